package org.siftfunnel.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.engine.backend.Backends;
import org.siftfunnel.engine.tensor.Tensor;
import org.siftfunnel.model.data.BundledFashionMnist;
import org.siftfunnel.model.data.ColorMode;
import org.siftfunnel.model.data.Dataset;
import org.siftfunnel.model.data.Preprocessing;
import org.siftfunnel.model.runtime.bundle.ExportManifest;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.edge.EdgeInputs;

/**
 * What the {@code export}, {@code serve}, {@code edge} and {@code loadtest} commands share:
 * secrets given literally, from a file or from the environment; a trust store for https; the
 * inputs (files, or the bundled private test split) and the export folder.
 */
final class RuntimeOptions {
    private RuntimeOptions() {
    }

    static final OptionSpec TOKEN = OptionSpec.value("token", "SECRET", null,
            "bearer token (also env:VAR or file:PATH, which keep it out of the process list)");
    static final OptionSpec TOKEN_FILE = OptionSpec.value("token-file", "FILE", null, "read the bearer token from FILE (first line)");
    static final OptionSpec DEVICE = OptionSpec.value("device", "NAME", null, "backend: reference, cpu, opencl[:N] (default: fastest available)");

    /** Inputs and, for the bundled split, their labels (null for files). */
    record Inputs(Tensor images, List<String> names, int[] labels) {
    }

    static Backend backend(Options o) {
        return o.has("device") ? Backends.get(o.string("device")) : Backends.getDefault();
    }

    static ModelBundle bundle(Options o, String command) throws IOException {
        Path dir = o.path("model");
        if (dir == null) {
            throw new UsageException(command + ": option --model DIR (an export folder) is required");
        }
        return ModelBundle.open(dir);
    }

    /** A secret given as {@code VALUE}, {@code env:VAR} or {@code file:PATH}; null when the option is absent. */
    static String secret(Options o, String option, String command) {
        String v = o.string(option);
        if (v == null) {
            return null;
        }
        if (v.startsWith("env:")) {
            String e = System.getenv(v.substring(4));
            if (e == null || e.isBlank()) {
                throw new UsageException(command + ": --" + option + " " + v + ": the environment variable is not set");
            }
            return e.trim();
        }
        if (v.startsWith("file:")) {
            return firstLine(Path.of(v.substring(5)), option, command);
        }
        return v;
    }

    /** --token or --token-file (not both). */
    static String token(Options o, String command) {
        if (o.has("token") && o.has("token-file")) {
            throw new UsageException(command + ": give --token or --token-file, not both");
        }
        return o.has("token-file") ? firstLine(o.path("token-file"), "token-file", command) : secret(o, "token", command);
    }

    private static String firstLine(Path file, String option, String command) {
        try {
            String line = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            if (line.isEmpty()) {
                throw new UsageException(command + ": --" + option + " " + file + ": the file is empty");
            }
            return line;
        } catch (IOException e) {
            throw new UsageException(command + ": --" + option + " " + file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** An SSL context trusting the certificates of {@code --truststore}, or null without it. */
    static SSLContext trust(Options o, String command) throws IOException {
        Path store = o.path("truststore");
        if (store == null) {
            return null;
        }
        String pw = secret(o, "truststore-password", command);
        try {
            KeyStore ks = KeyStore.getInstance(store.toFile(), pw == null ? null : pw.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(store + ": cannot use as trust store: " + e.getMessage(), e);
        }
    }

    /**
     * Inputs from {@code --images PATH} (plus positional paths) or {@code --data bundled}
     * (the bundled private test split, first {@code --limit} images, with labels).
     */
    static Inputs inputs(Options o, ExportManifest m, Backend backend, String command, int defaultLimit, boolean bundledByDefault)
            throws IOException {
        int limit = o.has("limit") ? o.positiveInteger("limit") : defaultLimit;
        List<Path> paths = new ArrayList<>();
        if (o.has("images")) {
            paths.add(o.path("images"));
        }
        o.positional().forEach(p -> paths.add(Path.of(p)));
        boolean bundled = o.has("data") || (bundledByDefault && paths.isEmpty());
        if (o.has("data") && !o.string("data").equals("bundled")) {
            throw new UsageException(command + ": --data accepts only 'bundled' (the bundled Fashion-MNIST private test split)");
        }
        if (bundled == !paths.isEmpty()) {
            throw new UsageException(command + ": give either --images PATH (image files or folders, or a .safetensors 'input')"
                    + " or --data bundled");
        }
        if (!bundled) {
            EdgeInputs.Inputs in = EdgeInputs.read(paths, m, backend, limit);
            return new Inputs(in.images(), in.names(), null);
        }
        Dataset test = BundledFashionMnist.load().test();
        int n = Math.min(limit, test.size());
        Preprocessing.Pipeline p = new Preprocessing(m.imageSize(), m.channels() == 1 ? ColorMode.GREY : ColorMode.RGB, m.normalization())
                .pipeline(test);
        int per = p.imageSize();
        float[] raw = new float[per];
        float[] data = new float[n * per];
        int[] labels = new int[n];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.raw(i, raw, 0);
            p.normalize(raw, 0, data, i * per);
            labels[i] = test.label(i);
            names.add("test#" + i);
        }
        return new Inputs(Tensor.of(backend, data, n, m.channels(), m.imageSize(), m.imageSize()), names, labels);
    }
}
