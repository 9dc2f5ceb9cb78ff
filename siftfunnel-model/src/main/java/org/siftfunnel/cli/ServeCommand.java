package org.siftfunnel.cli;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.siftfunnel.engine.backend.Backend;
import org.siftfunnel.model.runtime.bundle.ModelBundle;
import org.siftfunnel.model.runtime.server.CloudServer;
import org.siftfunnel.model.runtime.server.ServerConfig;

/** {@code ./siftfunnel serve}: the cloud half of an export over HTTP(S) (see {@link CloudServer}). */
final class ServeCommand implements Command {
    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve the cloud half of an export: POST /v1/infer, GET /v1/model, /healthz, /metrics";
    }

    @Override
    public String description() {
        return "Loads the cloud half of --model (an export folder; cloud.safetensors is checked against the\n"
                + "manifest's SHA-256) and answers POST /v1/infer (a features message, Content-Type\n"
                + CloudServer.CONTENT_TYPE + ", see docs/wire-format.md) with class probabilities\n"
                + "as JSON; GET /v1/model describes the model, GET /healthz says ok, GET /metrics gives Prometheus text.\n"
                + "With --token every endpoint but /healthz needs 'Authorization: Bearer TOKEN'; with --keystore it\n"
                + "speaks HTTPS. At most --max-concurrent inference requests run at once (503 with Retry-After\n"
                + "beyond). Stops gracefully on Ctrl-C / SIGTERM, finishing requests in flight. Binds 127.0.0.1\n"
                + "unless --host says otherwise. See docs/deployment.md.";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.value("model", "DIR", null, "export folder (manifest.json and cloud.safetensors)"),
                OptionSpec.value("port", "P", "8080", "TCP port (0: any free port)"),
                OptionSpec.value("host", "ADDR", ServerConfig.DEFAULT_HOST, "address to bind (0.0.0.0: all interfaces)"),
                RuntimeOptions.TOKEN, RuntimeOptions.TOKEN_FILE,
                OptionSpec.value("keystore", "FILE", null, "PKCS12/JKS keystore with the server's key: serve HTTPS"),
                OptionSpec.value("keystore-password", "SECRET", null, "its password (also env:VAR or file:PATH)"),
                OptionSpec.value("max-body-bytes", "N", Integer.toString(ServerConfig.DEFAULT_MAX_BODY_BYTES), "largest request body (413 beyond)"),
                OptionSpec.value("max-concurrent", "N", Integer.toString(ServerConfig.DEFAULT_MAX_CONCURRENT),
                        "inference requests at once (503 beyond)"),
                OptionSpec.value("grace-seconds", "S", Long.toString(ServerConfig.DEFAULT_GRACE.toSeconds()),
                        "on shutdown, how long to wait for requests in flight"),
                OptionSpec.value("request-timeout", "S", "30", "drop a connection whose request (or response) takes longer"),
                RuntimeOptions.DEVICE);
    }

    @Override
    public int run(Options o) throws Exception {
        o.noPositional();
        ModelBundle bundle = RuntimeOptions.bundle(o, name());
        Backend backend = RuntimeOptions.backend(o);
        int port = o.integer("port");
        if (port < 0 || port > 65535) {
            throw new UsageException(name() + ": --port must be 0..65535, got " + port);
        }
        String password = RuntimeOptions.secret(o, "keystore-password", name());
        if (o.has("keystore") != (password != null)) {
            throw new UsageException(name() + ": --keystore and --keystore-password go together");
        }
        ServerConfig config;
        try {
            config = new ServerConfig(o.string("host"), port, o.positiveInteger("max-body-bytes"), o.positiveInteger("max-concurrent"),
                    RuntimeOptions.token(o, name()), o.path("keystore"), password == null ? null : password.toCharArray(),
                    Duration.ofSeconds(o.positiveInteger("grace-seconds")));
        } catch (IllegalArgumentException e) {
            throw new UsageException(name() + ": " + e.getMessage());
        }
        // A client that sends its body slowly would otherwise hold an inference permit for as long
        // as it likes. The JDK server reads these limits once, when its first instance is created.
        String timeout = Integer.toString(o.positiveInteger("request-timeout"));
        System.setProperty("sun.net.httpserver.maxReqTime", timeout);
        System.setProperty("sun.net.httpserver.maxRspTime", timeout);
        CloudServer server = CloudServer.start(bundle, config, backend);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("serve: stopping (finishing requests in flight)...");
            server.stop();
            System.out.println("serve: stopped");
            stopped.countDown();
        }, "siftfunnel-serve-shutdown"));
        System.out.println("serve: " + bundle.manifest().arch() + "/" + bundle.manifest().defense() + " cloud half on " + backend.name()
                + ", features " + Arrays.toString(bundle.manifest().featureShape()) + ", model id " + bundle.modelIdHex());
        System.out.println("serve: listening on " + server.uri() + (config.token() != null ? " (bearer token required)" : "")
                + "; POST " + server.uri() + "/v1/infer; Ctrl-C stops");
        stopped.await();
        return 0;
    }
}
