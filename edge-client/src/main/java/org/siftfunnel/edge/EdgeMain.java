package org.siftfunnel.edge;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeClient;
import org.siftfunnel.model.runtime.edge.EdgeInputs;
import org.siftfunnel.model.runtime.edge.EdgeRunner;
import org.siftfunnel.model.runtime.wire.HttpBinding;
import org.siftfunnel.model.runtime.wire.WireDType;

/**
 * {@code java -jar edge-client.jar --cloud URL --model DIR --images PATH [...]}: the
 * {@code ./siftfunnel edge} command without the rest of siftfunnel. Exit status 0 on success,
 * 2 for a usage error, 1 for any other failure (one line on stderr).
 */
public final class EdgeMain {
    private static final Set<String> VALUE_OPTIONS = Set.of("cloud", "model", "images", "dtype", "batch", "token", "token-file",
            "truststore", "truststore-password", "limit", "bench", "device");
    static final String USAGE = """
            usage: java -jar edge-client.jar --cloud URL --model DIR --images PATH [PATH...] [options]

            Runs the edge half of an export (DIR needs manifest.json and edge.safetensors) on the inputs,
            sends only the features to the cloud server at URL and prints its predictions and the timing
            (edge compute, encoding, round trip, cloud compute, bytes sent).

              --images PATH            image file, folder of images, or .safetensors with a normalised tensor 'input'
              --dtype T                features on the wire: float32 (default), float16, int8
              --batch N                inputs per request (default 16, at most 256)
              --limit N                at most N inputs
              --token SECRET           bearer token (also env:VAR or file:PATH); or --token-file FILE
              --truststore FILE        certificates to trust for https; --truststore-password SECRET
              --bench N                time N single-input edge passes instead (no --cloud needed)
              --device NAME            backend (default: the fastest available; cpu here)
            Without --add-modules jdk.incubator.vector the CPU kernels are scalar (said once on stderr).
            """;

    private EdgeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Thrown for a bad command line (exit status 2). */
    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return runOrThrow(args, out);
        } catch (Usage e) {
            err.println("edge-client: " + e.getMessage() + " (--help for usage)");
            return 2;
        } catch (Exception e) {
            err.println("edge-client: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    private static int runOrThrow(String[] args, PrintStream out) throws Exception {
        Map<String, String> o = new HashMap<>();
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (!VALUE_OPTIONS.contains(name)) {
                    throw new Usage("unknown option " + a);
                }
                if (i + 1 >= args.length) {
                    throw new Usage(a + " needs a value");
                }
                String v = args[++i];
                if (name.equals("images")) {
                    inputs.add(Path.of(v));
                } else if (o.put(name, v) != null) {
                    throw new Usage(a + " given twice");
                }
            } else {
                inputs.add(Path.of(a));
            }
        }
        if (!o.containsKey("model")) {
            throw new Usage("--model DIR is required");
        }
        boolean bench = o.containsKey("bench");
        if (!bench && !o.containsKey("cloud")) {
            throw new Usage("--cloud URL is required");
        }
        if (!bench && inputs.isEmpty()) {
            throw new Usage("--images PATH is required");
        }
        WireDType dtype;
        try {
            dtype = WireDType.parse(o.getOrDefault("dtype", "float32"));
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage());
        }
        int batch = positive(o, "batch", 16);
        if (batch > HttpBinding.MAX_BATCH) {
            throw new Usage("--batch must be at most " + HttpBinding.MAX_BATCH);
        }
        Backend backend = o.containsKey("device") ? Backends.get(o.get("device")) : Backends.getDefault();
        ModelBundle bundle = ModelBundle.open(Path.of(o.get("model")));
        ExportManifest m = bundle.manifest();
        URI cloud = URI.create(o.getOrDefault("cloud", "http://127.0.0.1:1"));
        EdgeClient.Settings settings = new EdgeClient.Settings(dtype, token(o), trust(o), null);
        try (EdgeClient client = EdgeClient.connect(bundle, cloud, settings, backend)) {
            if (bench) {
                int n = positive(o, "bench", 100);
                var images = inputs.isEmpty()
                        ? org.siftfunnel.engine.tensor.Tensor.zeros(backend, 1, m.channels(), m.imageSize(), m.imageSize())
                        : EdgeInputs.read(inputs, m, backend, 1).images();
                long[] t = EdgeRunner.edgeLatency(client, images, Math.max(1, n / 5), n);
                out.printf(Locale.ROOT, "edge compute, one input, %s/%s on %s: p50 %.3f ms, p95 %.3f ms (%d runs); %d values per input%n",
                        m.arch(), m.defense(), backend.name(), t[0] / 1e6, t[1] / 1e6, n, m.featureSize());
                return 0;
            }
            EdgeInputs.Inputs in = EdgeInputs.read(inputs, m, backend, positive(o, "limit", Integer.MAX_VALUE));
            client.checkServer();
            out.println("edge: " + m.arch() + "/" + m.defense() + " edge half on " + backend.name() + " → " + cloud + ", "
                    + in.names().size() + " input(s), " + dtype.label() + " features, batches of " + batch);
            EdgeRunner.print(EdgeRunner.run(client, in.images(), batch), in.names(), m.classNames(), out);
        }
        return 0;
    }

    private static int positive(Map<String, String> o, String name, int dflt) {
        String v = o.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Usage("--" + name + " expects a positive integer, got '" + v + "'");
    }

    private static String secret(String v, String option) throws IOException {
        if (v == null) {
            return null;
        }
        if (v.startsWith("env:")) {
            String e = System.getenv(v.substring(4));
            if (e == null || e.isBlank()) {
                throw new Usage("--" + option + " " + v + ": the environment variable is not set");
            }
            return e.trim();
        }
        return v.startsWith("file:") ? firstLine(Path.of(v.substring(5))) : v;
    }

    private static String firstLine(Path file) throws IOException {
        String line = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
        if (line.isEmpty()) {
            throw new Usage(file + ": empty");
        }
        return line;
    }

    private static String token(Map<String, String> o) throws IOException {
        if (o.containsKey("token") && o.containsKey("token-file")) {
            throw new Usage("give --token or --token-file, not both");
        }
        return o.containsKey("token-file") ? firstLine(Path.of(o.get("token-file"))) : secret(o.get("token"), "token");
    }

    private static SSLContext trust(Map<String, String> o) throws IOException {
        if (!o.containsKey("truststore")) {
            return null;
        }
        Path store = Path.of(o.get("truststore"));
        String pw = secret(o.get("truststore-password"), "truststore-password");
        try {
            KeyStore ks = KeyStore.getInstance(store.toFile(), pw == null ? null : pw.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException(store + ": cannot use as trust store: " + e.getMessage(), e);
        }
    }
}
