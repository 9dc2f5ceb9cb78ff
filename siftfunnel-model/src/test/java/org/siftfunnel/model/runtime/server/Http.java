package org.siftfunnel.model.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.siftfunnel.engine.io.Json;

/** Raw HTTP calls for the server tests (the EdgeClient would refuse to send most bad inputs). */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    static HttpResponse<String> send(URI base, String method, String path, String contentType, byte[] body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return send(base, "GET", path, null, null, null);
    }

    static HttpResponse<String> infer(URI base, byte[] body) throws IOException, InterruptedException {
        return send(base, "POST", "/v1/infer", CloudServer.CONTENT_TYPE, body, null);
    }

    /** Asserts a JSON error answer with {@code status} and {@code code}, and returns its message. */
    static String assertError(HttpResponse<String> res, int status, String code) {
        assertEquals(status, res.statusCode(), () -> "status of " + res.request().method() + " " + res.request().uri() + ": " + res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), "JSON error expected");
        Map<?, ?> json = assertInstanceOf(Map.class, Json.parse(res.body()));
        assertEquals(code, json.get("error"), res.body());
        assertEquals(status, ((Number) json.get("status")).intValue());
        String message = (String) json.get("message");
        assertTrue(message != null && !message.isBlank(), "a message naming the problem");
        return message;
    }
}
