package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostError;
import java.util.Locale;

/**
 * The typed error for a request that Jetty refused before any route saw it (a malformed request
 * line or header, headers or a URI over the connector's limit, an HTTP version it does not speak,
 * broken chunked framing). Jetty's own reason is kept as a detail when it is short printable
 * ASCII; it never holds a stack trace or a version.
 */
final class ProtocolErrors {

    private static final int MAX_DETAIL_LENGTH = 80;
    private static final String WELL_FORMED = "Send a well-formed HTTP/1.1 request: a request line 'METHOD /path HTTP/1.1', "
            + "one 'Name: value' header per line, each line ending in CRLF, then a blank line.";

    private ProtocolErrors() {
    }

    /**
     * The error for {@code status}, as Jetty chose it.
     *
     * @param reason          Jetty's reason, or {@code null}
     * @param maxHeaderBytes  the connector's limit for the request line and headers, or a value
     *                        below 1 when it is not known
     */
    static HostError describe(int status, String reason, int maxHeaderBytes) {
        String detail = detail(status, reason);
        String lower = detail == null ? "" : detail.toLowerCase(Locale.ROOT);
        String limit = maxHeaderBytes > 0 ? kibibytes(maxHeaderBytes) : null;
        ErrorCode code = codeOf(status);
        return switch (status) {
            case 400 -> badRequest(lower, detail);
            case 408 -> HostError.of(code, "The request did not arrive in time.", "Send the whole request without pausing.");
            case 411 -> HostError.of(code, "The request has a body but no Content-Length.",
                    "Send a Content-Length header with the body's size, or send the body chunked.");
            case 413 -> HostError.of(code, "The request is larger than the host accepts" + with(detail) + ".",
                    "Send a smaller request.");
            case 414 -> HostError.of(code, "The request's URI is longer than the host accepts"
                            + (limit == null ? "" : " (the request line and headers may take " + limit + " in all)") + ".",
                    "Shorten the path and query; send data in a JSON body instead.");
            case 431 -> HostError.of(code, "The request's headers are larger than " + (limit == null ? "the host accepts" : limit) + ".",
                    "Send fewer or shorter headers (long cookies or tokens are the usual cause).");
            case 501 -> HostError.of(code, "The request uses an HTTP feature the host does not implement" + with(detail) + ".",
                    WELL_FORMED);
            case 505 -> HostError.of(code, "The request's HTTP version is not supported: the host speaks HTTP/1.1 (and 1.0).",
                    "Send the request as HTTP/1.1.");
            case 503 -> HostError.of(code, "The host's web server cannot take this request now.",
                    "Try again in a moment; if it persists, check GET /v1/health on the host.");
            default -> status >= 500
                    ? HostError.of(code, "The host's web server failed to handle this request.",
                            "Try again; if it persists, the host's log (data/log/host.log) has the details.")
                    : ErrorResponses.describeStatus(status);
        };
    }

    /**
     * The code for a status that Jetty chose. Like {@link HttpStatusByCode#codeOf}, except that
     * 501 and 505 are the client's doing (a feature or version the host does not speak), not a
     * fault inside the host.
     */
    static ErrorCode codeOf(int status) {
        return status == 501 || status == 505 ? ErrorCode.INVALID_REQUEST : HttpStatusByCode.codeOf(status);
    }

    private static HostError badRequest(String lower, String detail) {
        ErrorCode code = ErrorCode.INVALID_REQUEST;
        if (lower.contains("no uri") || lower.contains("request line") || lower.contains("method")) {
            return HostError.of(code, "The request line is malformed" + with(detail) + ".",
                    "Start the request with 'METHOD /path HTTP/1.1'.");
        }
        if (lower.contains("host")) {
            return HostError.of(code, "The request's Host header is missing, repeated or does not match its URI" + with(detail) + ".",
                    "Send exactly one Host header naming this host and port.");
        }
        if (lower.contains("transfer-encoding") || lower.contains("chunk") || lower.contains("early eof")) {
            return HostError.of(code, "The request body's framing is broken" + with(detail) + ".",
                    "Send the body with a correct Content-Length, or as valid chunked encoding "
                            + "(hexadecimal chunk sizes, CRLF after each chunk, a last chunk of size 0).");
        }
        if (lower.contains("content-length")) {
            return HostError.of(code, "The request's Content-Length header is invalid" + with(detail) + ".",
                    "Send one Content-Length header with the body's exact size in bytes.");
        }
        if (lower.contains("uri") || lower.contains("path")) {
            return HostError.of(code, "The request's path is malformed or ambiguous" + with(detail) + ".",
                    "Send a plain path without encoded '/', '\\', '.' or '..' segments or bad %-escapes.");
        }
        return HostError.of(code, "The request is not well-formed HTTP" + with(detail) + ".", WELL_FORMED);
    }

    /** Jetty's reason when it adds something to the status and is safe to show, else {@code null}. */
    static String detail(int status, String reason) {
        if (reason == null) {
            return null;
        }
        String trimmed = reason.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_DETAIL_LENGTH || trimmed.equalsIgnoreCase(standardReason(status))) {
            return null;
        }
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '<' || c == '>') {
                return null;
            }
        }
        return trimmed;
    }

    private static String with(String detail) {
        return detail == null ? "" : " (" + detail + ")";
    }

    private static String kibibytes(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    private static String standardReason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Server Error";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }
}
