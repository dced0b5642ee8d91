package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.error.HostError;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's server-wide error handler: what Jetty answers by itself, before any route runs (a
 * request it cannot parse, headers or a URI over the connector's limit, an HTTP version it does
 * not speak), goes out as the typed JSON error instead of Jetty's HTML page. Jetty keeps the
 * status and decides whether the connection closes; this only writes the body.
 */
final class ProtocolErrorHandler implements Request.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrorHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String message ? message : null;
        if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException failure) {
            status = failure.getCode();
            response.setStatus(status);
            if (reason == null) {
                reason = failure.getReason();
            }
        }
        if (status < 400) {
            // Jetty asks for an error page only for errors; anything else would be a bug in Jetty
            status = HttpStatus.INTERNAL_SERVER_ERROR_500;
            response.setStatus(status);
        }
        LOG.debug("Jetty refused a request: {} {}", status, reason);
        HttpConfiguration configuration = request.getConnectionMetaData().getHttpConfiguration();
        HostError error = ProtocolErrors.describe(status, reason, configuration == null ? -1 : configuration.getRequestHeaderSize());

        // no Server header to remove: both listeners' connectors are configured not to send one
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (HttpStatus.hasNoBody(status)) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // Jetty would send a body given here even to a HEAD request that it refused
            callback.succeeded();
            return true;
        }
        byte[] body = toJson(error);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    static byte[] toJson(HostError error) {
        try {
            return JSON.writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A HostError cannot fail to serialise", e);
        }
    }
}
