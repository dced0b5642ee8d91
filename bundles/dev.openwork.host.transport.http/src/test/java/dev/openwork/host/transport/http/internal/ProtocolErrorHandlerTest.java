package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * A real Jetty 12 server on 127.0.0.1 with the factory installed as Felix's ConnectorFactoryTracker
 * installs it, and malformed requests written byte by byte: what Jetty refuses by itself answers
 * with the typed JSON error, with Jetty's status and connection handling.
 */
public class ProtocolErrorHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Server server;
    private Connector errorsConnector;
    private int port;

    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    @Before
    public void startServer() throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false); // as both of the host's listeners are configured
        ServerConnector plain = new ServerConnector(server, new HttpConnectionFactory(http));
        plain.setHost("127.0.0.1");
        plain.setPort(0);
        server.addConnector(plain);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                Content.Sink.write(response, true, "served", callback);
                return true;
            }
        });
        server.start();
        port = plain.getLocalPort();
        // as Felix's ConnectorFactoryTracker does with a ConnectorFactory service
        errorsConnector = new ProtocolErrorsOnJetty().createConnector(server);
        server.addConnector(errorsConnector);
        errorsConnector.start();
    }

    @After
    public void stopServer() throws Exception {
        server.stop();
    }

    private Answer send(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                bytes.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // Jetty may reset a connection it refused once it has answered: keep what came
        }
        return bytes.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertTrue("an HTTP answer: " + text, text.startsWith("HTTP/1.1 ") && end > 0);
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers, text.substring(end + 4));
    }

    private static JsonNode assertTypedJson(Answer answer, int status, String code) throws IOException {
        assertEquals(answer.toString(), status, answer.status());
        assertEquals(answer.toString(), "application/json", answer.header("Content-Type"));
        assertFalse(answer.body(), answer.body().toLowerCase(Locale.ROOT).contains("<html"));
        assertFalse(answer.body(), answer.body().toLowerCase(Locale.ROOT).contains("jetty"));
        assertEquals(answer.toString(), null, answer.header("Server"));
        JsonNode error = JSON.readTree(answer.body());
        assertEquals(answer.body(), code, error.path("code").asText());
        assertFalse(answer.body(), error.path("message").asText().isBlank());
        assertFalse(answer.body(), error.path("action").asText().isBlank());
        assertEquals("exactly code, message, action: " + answer.body(), 3, error.size());
        assertEquals(answer.body().getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(answer.header("Content-Length")));
        return error;
    }

    @Test
    public void aMalformedRequestLineIsATypedBadRequest() throws IOException {
        JsonNode error = assertTypedJson(send("GARBAGE\r\n\r\n"), 400, "invalid_request");
        assertTrue(error.toString(), error.path("message").asText().contains("request line"));
    }

    @Test
    public void aHeaderLineWithoutAColonIsATypedBadRequestAndTheConnectionCloses() throws IOException {
        Answer answer = send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\n\r\n");
        assertTypedJson(answer, 400, "invalid_request");
        assertEquals("close", answer.header("Connection"));
    }

    @Test
    public void headersOverTheLimitNameTheLimit() throws IOException {
        Answer answer = send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n");
        JsonNode error = assertTypedJson(answer, 431, "invalid_request");
        assertEquals("The request's headers are larger than 8 KiB.", error.path("message").asText());
        assertEquals("close", answer.header("Connection"));
    }

    @Test
    public void anOverlongUriIs414() throws IOException {
        assertTypedJson(send("GET /" + "a".repeat(10 * 1024) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 414, "invalid_request");
    }

    @Test
    public void anUnknownHttpVersionIs505WithTheTypedErrorNotInternal() throws IOException {
        assertTypedJson(send("GET / HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n"), 505, "invalid_request");
    }

    @Test
    public void brokenFramingAndHostHeadersAreTypedBadRequests() throws IOException {
        assertTypedJson(send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n"), 400, "invalid_request");
        assertTypedJson(send("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                400, "invalid_request");
        assertTypedJson(send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "invalid_request");
        assertTypedJson(send("GET /a/%2e%2e/b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), 400, "invalid_request");
        assertTypedJson(send("PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n"), 400, "invalid_request");
    }

    @Test
    public void aHeadRequestGetsTheStatusAndHeadersWithoutABody() throws IOException {
        Answer answer = send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u0001b\r\n\r\n");
        assertEquals(answer.toString(), 400, answer.status());
        assertEquals("application/json", answer.header("Content-Type"));
        assertEquals("", answer.body());
    }

    @Test
    public void wellFormedRequestsAreServedAsBefore() throws IOException {
        Answer answer = send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertEquals(200, answer.status());
        assertEquals("served", answer.body());
    }

    @Test
    public void theConnectorBindsNoPortAndWithdrawingItRestoresJettysHandler() throws Exception {
        assertTrue(errorsConnector instanceof LocalConnector);
        assertFalse(errorsConnector instanceof NetworkConnector);
        assertTrue(server.getErrorHandler() instanceof ProtocolErrorHandler);
        Request.Handler installed = server.getErrorHandler();
        // as Felix's ConnectorFactoryTracker does when the service goes away
        errorsConnector.stop();
        server.removeConnector(errorsConnector);
        assertNotSame(installed, server.getErrorHandler());
        assertFalse(server.getErrorHandler() instanceof ProtocolErrorHandler);
        Answer html = send("GARBAGE\r\n\r\n");
        assertEquals(400, html.status());
        assertTrue("Jetty's own page again: " + html, html.header("Content-Type").startsWith("text/html"));

        // and a server that starts again (Felix restarts Jetty on a new port) gets it again
        Connector again = new ProtocolErrorsOnJetty().createConnector(server);
        server.addConnector(again);
        again.start();
        assertSame(ProtocolErrorHandler.class, server.getErrorHandler().getClass());
        assertTypedJson(send("GARBAGE\r\n\r\n"), 400, "invalid_request");
    }
}
