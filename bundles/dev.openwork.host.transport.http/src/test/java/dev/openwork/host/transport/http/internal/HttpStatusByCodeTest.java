package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.error.ErrorCode;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.Test;

public class HttpStatusByCodeTest {

    @Test
    public void everyCodeMapsToAnErrorStatus() {
        for (ErrorCode code : ErrorCode.values()) {
            int status = HttpStatusByCode.statusOf(code);
            assertTrue(code + " -> " + status, status >= 400 && status <= 599);
        }
    }

    @Test
    public void clientFaultsAre4xxAndHostFaultsAre5xx() {
        Set<ErrorCode> serverSide = EnumSet.of(ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE);
        for (ErrorCode code : ErrorCode.values()) {
            int status = HttpStatusByCode.statusOf(code);
            if (serverSide.contains(code)) {
                assertTrue(code + " -> " + status, status >= 500);
            } else {
                assertTrue(code + " -> " + status, status >= 400 && status < 500);
            }
        }
    }

    @Test
    public void wellKnownStatuses() {
        assertEquals(400, HttpStatusByCode.statusOf(ErrorCode.INVALID_REQUEST));
        assertEquals(400, HttpStatusByCode.statusOf(ErrorCode.INVALID_JSON));
        assertEquals(401, HttpStatusByCode.statusOf(ErrorCode.UNAUTHENTICATED));
        assertEquals(403, HttpStatusByCode.statusOf(ErrorCode.FORBIDDEN));
        assertEquals(404, HttpStatusByCode.statusOf(ErrorCode.NOT_FOUND));
        assertEquals(405, HttpStatusByCode.statusOf(ErrorCode.METHOD_NOT_ALLOWED));
        assertEquals(406, HttpStatusByCode.statusOf(ErrorCode.NOT_ACCEPTABLE));
        assertEquals(409, HttpStatusByCode.statusOf(ErrorCode.CONFLICT));
        assertEquals(410, HttpStatusByCode.statusOf(ErrorCode.EXPIRED));
        assertEquals(413, HttpStatusByCode.statusOf(ErrorCode.PAYLOAD_TOO_LARGE));
        assertEquals(415, HttpStatusByCode.statusOf(ErrorCode.UNSUPPORTED_MEDIA_TYPE));
        assertEquals(429, HttpStatusByCode.statusOf(ErrorCode.RATE_LIMITED));
        assertEquals(500, HttpStatusByCode.statusOf(ErrorCode.INTERNAL));
        assertEquals(503, HttpStatusByCode.statusOf(ErrorCode.UNAVAILABLE));
    }

    @Test
    public void codeOfStatusOfRoundTripsExceptInvalidJson() {
        for (ErrorCode code : ErrorCode.values()) {
            ErrorCode back = HttpStatusByCode.codeOf(HttpStatusByCode.statusOf(code));
            if (code == ErrorCode.INVALID_JSON) {
                assertEquals(ErrorCode.INVALID_REQUEST, back);
            } else {
                assertEquals(code, back);
            }
        }
    }

    @Test
    public void statusesAreDistinctExceptTheTwo400s() {
        Set<Integer> seen = new HashSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            if (code != ErrorCode.INVALID_JSON) {
                assertTrue("duplicate status for " + code, seen.add(HttpStatusByCode.statusOf(code)));
            }
        }
    }

    @Test
    public void unknownClientStatusesAreInvalidRequest() {
        for (int status : new int[] {400, 402, 407, 408, 411, 412, 414, 418, 422, 451, 499}) {
            assertEquals("status " + status, ErrorCode.INVALID_REQUEST, HttpStatusByCode.codeOf(status));
        }
    }

    @Test
    public void unknownServerStatusesAreInternal() {
        for (int status : new int[] {500, 501, 502, 504, 505, 599}) {
            assertEquals("status " + status, ErrorCode.INTERNAL, HttpStatusByCode.codeOf(status));
        }
    }
}
