package org.siftfunnel.cli;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.siftfunnel.engine.autograd.GradMode;
import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.arch.SplitModel;
import org.siftfunnel.model.inference.Prediction;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.loadtest.LoadReport;
import org.siftfunnel.model.runtime.loadtest.LoadTest;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.wire.WireDType;

/** {@code ./siftfunnel loadtest}: a bounded load generator for a cloud server (see {@link LoadTest}). */
final class LoadtestCommand implements Command {
    @Override
    public String name() {
        return "loadtest";
    }

    @Override
    public String summary() {
        return "load a cloud server from several clients (bounded); throughput, latency percentiles, answers checked";
    }

    @Override
    public String description() {
        return "Prepares feature messages from the inputs (default: the first --limit images of the bundled\n"
                + "private test split) with the edge half of --model, computes the expected classes with the local\n"
                + "full model (so the export folder needs both halves), then sends --requests requests from each of\n"
                + "--clients threads to --cloud, stopping at --duration seconds. Reports throughput, latency\n"
                + "p50/p95/p99, errors, and answers whose class differs from the local prediction (with --dtype\n"
                + "float16 or int8 a few may legitimately differ). Refuses non-loopback hosts unless --allow-remote.\n"
                + "Exits with status 1 when any request failed or any class differed.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("cloud", "URL", null, "the server, http(s)://HOST:PORT"),
                OptionSpec.value("model", "DIR", null, "export folder (both halves)"),
                OptionSpec.value("clients", "C", "8", "concurrent clients (1.." + LoadTest.MAX_CLIENTS + ")"),
                OptionSpec.value("requests", "R", "50", "requests per client"),
                OptionSpec.value("duration", "S", "60", "time limit in seconds"),
                OptionSpec.value("batch", "N", "1", "inputs per request"),
                OptionSpec.value("dtype", "T", "float32", "features on the wire: float32, float16 or int8"),
                OptionSpec.value("images", "PATH", null, "inputs: image file/folder or .safetensors 'input' (default: --data bundled)"),
                OptionSpec.value("data", "bundled", null, "the bundled private test split (the default)"),
                OptionSpec.value("limit", "N", "256", "distinct inputs to cycle through"),
                OptionSpec.flag("allow-remote", "allow a host that is not a loopback address"),
                RuntimeOptions.TOKEN, RuntimeOptions.TOKEN_FILE,
                OptionSpec.value("truststore", "FILE", null, "certificates to trust for https"),
                OptionSpec.value("truststore-password", "SECRET", null, "its password (also env:VAR or file:PATH)"),
                RuntimeOptions.DEVICE);
    }

    @Override
    public int run(Options o) throws Exception {
        URI cloud = URI.create(o.require("cloud"));
        try {
            LoadTest.checkTarget(cloud, o.flag("allow-remote"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        LoadTest.Settings settings;
        try {
            settings = new LoadTest.Settings(o.positiveInteger("clients"), o.positiveInteger("requests"),
                    Duration.ofMillis(Math.round(o.number("duration") * 1000)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int batch = o.positiveInteger("batch");
        if (batch > CloudServer.MAX_BATCH) {
            throw new UsageException(name() + ": --batch must be at most " + CloudServer.MAX_BATCH);
        }
        WireDType dtype;
        try {
            dtype = WireDType.parse(o.string("dtype"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": --dtype: " + e.getMessage());
        }
        ModelBundle bundle = RuntimeOptions.bundle(o, name());
        Backend backend = RuntimeOptions.backend(o);
        RuntimeOptions.Inputs in = RuntimeOptions.inputs(o, bundle.manifest(), backend, name(), 256, true);
        SplitModel full = bundle.loadBoth(backend);
        int n = in.images().size(0) / batch * batch;
        int[] expected = new int[n];
        try (GradMode.Scope _ = GradMode.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                Tensor x = in.images().slice(0, from, from + batch);
                Tensor z = full.features(x);
                int[] c = new Prediction(z, full.cloud().forward(z)).predictedClasses();
                System.arraycopy(c, 0, expected, from, batch);
            }
        }
        EdgeClient.Settings cs = new EdgeClient.Settings(dtype, RuntimeOptions.token(o, name()), RuntimeOptions.trust(o, name()), null);
        try (EdgeClient client = EdgeClient.connect(bundle, cloud, cs, backend)) {
            client.checkServer();
            List<LoadTest.Prepared> messages = LoadTest.prepare(client, in.images(), expected, batch);
            System.out.println("loadtest: " + settings.clients() + " clients × " + settings.requests() + " requests of " + batch + " input"
                    + (batch == 1 ? "" : "s") + " (" + dtype.label() + ", " + messages.get(0).body().length + " bytes each) → " + cloud
                    + ", at most " + settings.duration().toSeconds() + " s");
            LoadReport report = LoadTest.run(client, messages, settings);
            System.out.print(report.describe());
            return report.clean() ? 0 : 1;
        }
    }
}
