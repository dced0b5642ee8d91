package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * Refuses bodies over the configured limit: at once when Content-Length says so, otherwise while
 * reading, so a chunked body cannot make the host buffer without bound.
 */
@PreMatching
final class BodyLimitFilter implements ContainerRequestFilter {

    private final LongSupplier maxBodyBytes;

    BodyLimitFilter(LongSupplier maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long limit = maxBodyBytes.getAsLong();
        if (declaredLength(request.getHeaderString(HttpHeaders.CONTENT_LENGTH)) > limit) {
            throw tooLarge(limit);
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream(), limit));
        }
    }

    /**
     * The Content-Length as a long, or -1 when there is none. Jersey's own getter reads an int and
     * fails on anything over 2 GiB; Jetty has already refused a value that is not a number.
     */
    static long declaredLength(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String digits = header.strip();
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1; // not a length: Jetty reads the body by its own framing rules
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException overLongMax) {
            return Long.MAX_VALUE;
        }
    }

    static HostException tooLarge(long limit) {
        return new HostException(ErrorCode.PAYLOAD_TOO_LARGE,
                "The request body is larger than the host accepts (" + limit + " bytes).",
                "Send a smaller body; an admin can raise maxBodyBytes in etc/dev.openwork.host.transport.http.cfg.");
    }

    static final class LimitedInputStream extends FilterInputStream {
        private final long limit;
        private long consumed;

        LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) {
            consumed += n;
            if (consumed > limit) {
                throw tooLarge(limit);
            }
        }
    }
}
