package dev.openwork.host.transport.http.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostError;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.UUID;
import org.eclipse.jetty.http.HttpException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the typed JSON error. The status comes from the error code (or from the
 * status Jersey chose); the client never sees a stack trace or an exception's own text.
 */
final class ErrorResponses implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final int MAX_CAUSE_DEPTH = 16;

    @Override
    public Response toResponse(Throwable failure) {
        HostError error;
        int status;
        Throwable cause = unwrap(failure);
        if (cause instanceof HostException hostException) {
            error = hostException.toError();
            status = HttpStatusByCode.statusOf(hostException.code());
        } else if (cause instanceof HttpException protocolFailure && protocolFailure.getCode() >= 400
                && protocolFailure.getCode() < 500) {
            // Jetty refused the body while a route read it (broken chunked framing, a cut-off body)
            status = protocolFailure.getCode();
            error = ProtocolErrors.describe(status, protocolFailure.getReason(), -1);
            LOG.debug("Request body refused by Jetty: {} {}", status, protocolFailure.getReason());
        } else if (cause instanceof JsonProcessingException jsonFailure) {
            error = describeJsonFailure(jsonFailure);
            status = 400;
        } else if (cause instanceof WebApplicationException webFailure && webFailure.getResponse().getStatus() < 500) {
            status = webFailure.getResponse().getStatus();
            error = describeStatus(status);
        } else {
            String incident = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("Request failed inside the host (incident {})", incident, failure);
            error = HostError.of(ErrorCode.INTERNAL, "The host failed to handle this request (incident " + incident + ").",
                    "Try again; if it persists, give the admin the incident id: the host's log has the details.");
            status = 500;
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }

    /**
     * Jersey and Jackson wrap what a filter or stream threw. The host's own error decides, then
     * Jetty's refusal of the request's bytes, then a broken JSON limit, then any JSON error, then
     * the failure itself. The walk is bounded, so a cyclic cause chain cannot loop.
     */
    static Throwable unwrap(Throwable failure) {
        Throwable limit = null;
        Throwable json = null;
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++, current = current.getCause()) {
            if (current instanceof HostException || current instanceof HttpException) {
                return current;
            }
            if (limit == null && current instanceof StreamConstraintsException) {
                limit = current;
            }
            if (json == null && current instanceof JsonProcessingException) {
                json = current;
            }
        }
        return limit != null ? limit : json != null ? json : failure;
    }

    static HostError describeJsonFailure(JsonProcessingException failure) {
        String action = "Send a JSON body that matches the route's documented fields and types.";
        if (failure instanceof StreamConstraintsException) {
            return HostError.of(ErrorCode.INVALID_JSON, "The JSON body exceeds the host's limits (too deep or a value too long).", action);
        }
        if (failure instanceof UnrecognizedPropertyException unknown) {
            return HostError.of(ErrorCode.INVALID_JSON,
                    "The field '" + pathOf(unknown) + "' is not known to this route.", "Remove it. " + action);
        }
        if (failure instanceof InvalidFormatException || failure instanceof MismatchedInputException) {
            JsonMappingException mapping = (JsonMappingException) failure;
            String path = pathOf(mapping);
            String where = path.isEmpty() ? "The body" : "The field '" + path + "'";
            return HostError.of(ErrorCode.INVALID_JSON, where + " has the wrong type or is incomplete.", action);
        }
        JsonLocation location = failure.getLocation();
        String at = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return HostError.of(ErrorCode.INVALID_JSON, "The body is not valid JSON" + at + ".", action);
    }

    private static String pathOf(JsonMappingException failure) {
        return failure.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    static HostError describeStatus(int status) {
        ErrorCode code = HttpStatusByCode.codeOf(status);
        return switch (code) {
            case NOT_FOUND -> HostError.of(code, "No such route or resource.", "Check the path; GET /v1/health lists what the host serves.");
            case METHOD_NOT_ALLOWED -> HostError.of(code, "This route does not accept that HTTP method.", "Check the method in the API documentation.");
            case NOT_ACCEPTABLE -> HostError.of(code, "The host answers this route in JSON only.", "Send Accept: application/json.");
            case UNSUPPORTED_MEDIA_TYPE -> HostError.of(code, "This route reads JSON bodies only.", "Send Content-Type: application/json.");
            case PAYLOAD_TOO_LARGE -> HostError.of(code, "The request body is too large.", "Send a smaller body.");
            case UNAUTHENTICATED -> HostError.of(code, "A valid credential is required.", "Pair this device with the host first.");
            case FORBIDDEN -> HostError.of(code, "This credential may not do that.", "Ask the admin to widen this device's scopes.");
            default -> HostError.of(code, "The request is not valid for this route.", "Check the request against the API documentation.");
        };
    }
}
