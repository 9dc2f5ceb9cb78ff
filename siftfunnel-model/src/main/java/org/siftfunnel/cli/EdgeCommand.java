package org.siftfunnel.cli;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.random.RandomSource;
import org.siftfunnel.model.arch.ArchConfig;
import org.siftfunnel.model.arch.Architectures;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.edge.EdgeRunner;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.wire.WireDType;
import org.siftfunnel.model.runtime.wire.WireFormat;

/**
 * {@code ./siftfunnel edge}: computes features with the edge half of an export, sends them to a
 * cloud server and prints its predictions and the timing breakdown; with {@code --bench N},
 * measures single-input edge compute alone.
 */
final class EdgeCommand implements Command {
    @Override
    public String name() {
        return "edge";
    }

    @Override
    public String summary() {
        return "run the edge half locally, send the features to a cloud server, print predictions and timings";
    }

    @Override
    public String description() {
        return "Loads the edge half of --model (an export folder; only manifest.json and edge.safetensors are\n"
                + "needed, the latter checked against the manifest's SHA-256), reads the inputs (--images: image\n"
                + "files, a folder of images, or a .safetensors file with a normalised tensor 'input'; or --data\n"
                + "bundled: the bundled private test split, with accuracy), computes the features Z locally and\n"
                + "sends them in batches of --batch to --cloud as --dtype (float32 exact; float16, int8 smaller).\n"
                + "Prints each prediction and the timing: edge compute, encoding, round trip, cloud compute (as\n"
                + "reported by the server) and bytes sent. --bench N instead times N single-input edge passes\n"
                + "(median and p95; --cloud not needed) and prints the payload sizes.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("cloud", "URL", null, "the server, http(s)://HOST:PORT"),
                OptionSpec.value("model", "DIR", null, "export folder (manifest.json and edge.safetensors)"),
                OptionSpec.value("images", "PATH", null, "image file, folder of images, or .safetensors with 'input' (more as arguments)"),
                OptionSpec.value("data", "bundled", null, "use the bundled Fashion-MNIST private test split"),
                OptionSpec.value("limit", "N", null, "at most N inputs (default: all files; 200 of the bundled split)"),
                OptionSpec.value("dtype", "T", "float32", "features on the wire: float32, float16 or int8"),
                OptionSpec.value("batch", "N", "16", "inputs per request (at most " + CloudServer.MAX_BATCH + ")"),
                RuntimeOptions.TOKEN, RuntimeOptions.TOKEN_FILE,
                OptionSpec.value("truststore", "FILE", null, "keystore with the certificates to trust for https (self-signed servers)"),
                OptionSpec.value("truststore-password", "SECRET", null, "its password (also env:VAR or file:PATH)"),
                OptionSpec.value("bench", "N", null, "time N single-input edge passes (after N/5 warm-up) instead of sending"),
                RuntimeOptions.DEVICE);
    }

    @Override
    public int run(Options o) throws Exception {
        ModelBundle bundle = RuntimeOptions.bundle(o, name());
        ExportManifest m = bundle.manifest();
        Backend backend = RuntimeOptions.backend(o);
        WireDType dtype;
        try {
            dtype = WireDType.parse(o.string("dtype"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": --dtype: " + e.getMessage());
        }
        int batch = o.positiveInteger("batch");
        if (batch > CloudServer.MAX_BATCH) {
            throw new UsageException(name() + ": --batch must be at most " + CloudServer.MAX_BATCH + ", got " + batch);
        }
        boolean bench = o.has("bench");
        if (!bench && !o.has("cloud")) {
            throw new UsageException(name() + ": option --cloud URL is required (or --bench N to time the edge alone)");
        }
        URI cloud = URI.create(o.has("cloud") ? o.string("cloud") : "http://127.0.0.1:1");
        EdgeClient.Settings settings = new EdgeClient.Settings(dtype, RuntimeOptions.token(o, name()), RuntimeOptions.trust(o, name()), null);
        boolean anyInput = o.has("images") || o.has("data") || !o.positional().isEmpty();
        RuntimeOptions.Inputs in = bench && !anyInput ? null : RuntimeOptions.inputs(o, m, backend, name(),
                o.has("data") ? 200 : Integer.MAX_VALUE, false);
        try (EdgeClient client = EdgeClient.connect(bundle, cloud, settings, backend)) {
            if (bench) {
                bench(client, m, in, o.positiveInteger("bench"), backend);
                return 0;
            }
            client.checkServer();
            System.out.println("edge: " + m.arch() + "/" + m.defense() + " edge half on " + backend.name() + " → " + cloud + ", "
                    + in.names().size() + " input" + (in.names().size() == 1 ? "" : "s") + ", " + dtype.label() + " features "
                    + Arrays.toString(m.featureShape()) + ", batches of " + batch);
            EdgeRunner.Run run = EdgeRunner.run(client, in.images(), batch);
            EdgeRunner.print(run, in.names(), m.classNames(), System.out);
            if (in.labels() != null) {
                int correct = 0;
                for (int i = 0; i < in.labels().length; i++) {
                    correct += run.classes()[i] == in.labels()[i] ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d bundled test images)%n", 100.0 * correct / in.labels().length, correct,
                        in.labels().length);
            }
        }
        return 0;
    }

    private static void bench(EdgeClient client, ExportManifest m, RuntimeOptions.Inputs in, int repeats, Backend backend) {
        org.siftfunnel.engine.tensor.Tensor images = in != null ? in.images()
                : org.siftfunnel.engine.tensor.Tensor.zeros(backend, 1, m.channels(), m.imageSize(), m.imageSize());
        long[] t = EdgeRunner.edgeLatency(client, images, Math.max(1, repeats / 5), repeats);
        System.out.printf(Locale.ROOT, "edge compute, one %d×%d×%d input, %s on %s: p50 %.3f ms, p95 %.3f ms (%d runs)%n", m.channels(),
                m.imageSize(), m.imageSize(), m.arch() + "/" + m.defense(), backend.name(), t[0] / 1e6, t[1] / 1e6, repeats);
        int values = m.featureSize();
        int undefended = Architectures.create(m.arch(), "none", ArchConfig.of(m.channels(), m.imageSize(), m.classes()), new RandomSource(1))
                .featureSize();
        System.out.println("payload per input: " + values + " values " + Arrays.toString(m.featureShape()) + " (the undefended "
                + m.arch() + " sends " + undefended + ")");
        for (WireDType d : WireDType.values()) {
            int one = WireFormat.encode(new byte[WireFormat.MODEL_ID_BYTES], d, new int[] {1, m.featureShape()[0], m.featureShape()[1],
                    m.featureShape()[2]}, new float[values]).length;
            System.out.printf(Locale.ROOT, "  %-8s %6d payload bytes, %6d bytes per one-input message (undefended: %d payload bytes)%n",
                    d.label(), values * d.bytesPerValue(), one, undefended * d.bytesPerValue());
        }
    }
}
