package dev.openwork.host.transport.http.internal;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
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
        int declared = request.getLength();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedInputStream(request.getEntityStream(), limit));
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
