package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.error.ErrorCode;

/** The one place where error codes meet HTTP statuses, in both directions. */
final class HttpStatusByCode {

    private HttpStatusByCode() {
    }

    static int statusOf(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, INVALID_JSON -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case NOT_ACCEPTABLE -> 406;
            case CONFLICT -> 409;
            case EXPIRED -> 410;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    /** The code for a status that Jersey chose itself (no route, wrong method, ...). */
    static ErrorCode codeOf(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 409 -> ErrorCode.CONFLICT;
            case 410 -> ErrorCode.EXPIRED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
        };
    }
}
