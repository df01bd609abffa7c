package io.vigil.review;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A chat tool's incoming webhook, as a test sees it: every POST kept with its Authorization header. */
final class WebhookInbox {

    /** One POST. */
    record Post(String authorization, String body) {}

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Post> posts = new ConcurrentLinkedQueue<>();

    private WebhookInbox(HttpServer server) {
        this.server = server;
    }

    static WebhookInbox start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookInbox inbox = new WebhookInbox(server);
            server.createContext("/hook", exchange -> {
                inbox.posts.add(new Post(
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return inbox;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Post> posts() {
        return List.copyOf(posts);
    }
}
