package org.siftfunnel.model.runtime.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link CloudServer} listens and what it accepts.
 *
 * @param host             address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all interfaces)
 * @param port             TCP port; 0 picks a free one
 * @param maxBodyBytes     the largest request body accepted (413 beyond it)
 * @param maxConcurrent    inference requests handled at once (503 with Retry-After beyond it)
 * @param token            bearer token required on every endpoint but {@code /healthz}, or null for none
 * @param keystore         PKCS12 or JKS keystore for TLS, or null for plain HTTP
 * @param keystorePassword its password (null without TLS)
 * @param shutdownGrace    how long {@link CloudServer#stop()} waits for requests in flight
 */
public record ServerConfig(String host, int port, int maxBodyBytes, int maxConcurrent, String token, Path keystore,
                           char[] keystorePassword, Duration shutdownGrace) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;
    public static final int DEFAULT_MAX_CONCURRENT = 64;
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    public ServerConfig {
        if (host == null || host.isBlank()) {
            host = DEFAULT_HOST;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("server: port must be 0..65535, got " + port);
        }
        if (maxBodyBytes < 64) {
            throw new IllegalArgumentException("server: max body bytes must be at least 64, got " + maxBodyBytes);
        }
        if (maxConcurrent < 1 || maxConcurrent > 4096) {
            throw new IllegalArgumentException("server: max concurrent requests must be 1..4096, got " + maxConcurrent);
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("server: the token is empty");
        }
        if (keystore != null && keystorePassword == null) {
            throw new IllegalArgumentException("server: a keystore needs its password");
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            shutdownGrace = DEFAULT_GRACE;
        }
    }

    /** Loopback, a free port, default limits, no token, no TLS. */
    public static ServerConfig loopback() {
        return new ServerConfig(DEFAULT_HOST, 0, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT, null, null, null, DEFAULT_GRACE);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, maxBodyBytes, maxConcurrent, token, keystore, keystorePassword, shutdownGrace);
    }

    public ServerConfig withToken(String t) {
        return new ServerConfig(host, port, maxBodyBytes, maxConcurrent, t, keystore, keystorePassword, shutdownGrace);
    }

    public ServerConfig withMaxConcurrent(int n) {
        return new ServerConfig(host, port, maxBodyBytes, n, token, keystore, keystorePassword, shutdownGrace);
    }

    public ServerConfig withMaxBodyBytes(int n) {
        return new ServerConfig(host, port, n, maxConcurrent, token, keystore, keystorePassword, shutdownGrace);
    }

    public ServerConfig withTls(Path store, char[] password) {
        return new ServerConfig(host, port, maxBodyBytes, maxConcurrent, token, store, password, shutdownGrace);
    }

    public ServerConfig withShutdownGrace(Duration grace) {
        return new ServerConfig(host, port, maxBodyBytes, maxConcurrent, token, keystore, keystorePassword, grace);
    }

    public boolean tls() {
        return keystore != null;
    }
}
