package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostException;
import dev.openwork.host.api.health.HealthRunRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

public class BodyLimitFilterTest {

    private static byte[] bytes(int n) {
        byte[] data = new byte[n];
        Arrays.fill(data, (byte) 'x');
        return data;
    }

    private static BodyLimitFilter.LimitedInputStream limited(int size, long limit) {
        return new BodyLimitFilter.LimitedInputStream(new ByteArrayInputStream(bytes(size)), limit);
    }

    private static void assertTooLarge(HostException e, long limit) {
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertTrue(e.getMessage(), e.getMessage().contains(Long.toString(limit)));
    }

    @Test
    public void readingExactlyTheLimitByteByByteIsFine() throws IOException {
        try (InputStream in = limited(10, 10)) {
            for (int i = 0; i < 10; i++) {
                assertEquals('x', in.read());
            }
            assertEquals(-1, in.read());
        }
    }

    @Test
    public void readingExactlyTheLimitInBulkIsFine() throws IOException {
        try (InputStream in = limited(10, 10)) {
            byte[] buffer = new byte[64];
            assertEquals(10, in.read(buffer, 0, buffer.length));
            assertEquals(-1, in.read(buffer, 0, buffer.length));
        }
        try (InputStream in = limited(10, 10)) {
            assertArrayEquals(bytes(10), in.readAllBytes());
        }
    }

    @Test
    public void oneBytePastTheLimitThroughReadThrows() throws IOException {
        try (InputStream in = limited(11, 10)) {
            for (int i = 0; i < 10; i++) {
                assertEquals('x', in.read());
            }
            try {
                in.read();
                fail("the 11th byte must be refused");
            } catch (HostException e) {
                assertTooLarge(e, 10);
            }
        }
    }

    @Test
    public void oneBytePastTheLimitThroughBulkReadThrows() throws IOException {
        try (InputStream in = limited(11, 10)) {
            byte[] buffer = new byte[64];
            try {
                in.read(buffer, 0, buffer.length);
                fail("11 bytes must be refused");
            } catch (HostException e) {
                assertTooLarge(e, 10);
            }
        }
    }

    @Test
    public void bulkReadsAccumulateAcrossCalls() throws IOException {
        try (InputStream in = limited(11, 10)) {
            byte[] buffer = new byte[4];
            assertEquals(4, in.read(buffer, 0, 4));
            assertEquals(4, in.read(buffer, 0, 4));
            assertEquals(2, in.read(buffer, 0, 2));
            try {
                in.read(buffer, 0, 4);
                fail("the 11th byte must be refused");
            } catch (HostException e) {
                assertTooLarge(e, 10);
            }
        }
    }

    @Test
    public void readAllBytesPastTheLimitThrows() throws IOException {
        try (InputStream in = limited(1000, 999)) {
            in.readAllBytes();
            fail("expected PAYLOAD_TOO_LARGE");
        } catch (HostException e) {
            assertTooLarge(e, 999);
        }
    }

    @Test
    public void skippedBytesCount() throws IOException {
        try (InputStream in = limited(11, 10)) {
            assertEquals(10, in.skip(10));
            try {
                in.read();
                fail("the 11th byte must be refused");
            } catch (HostException e) {
                assertTooLarge(e, 10);
            }
        }
    }

    // --- the filter itself, against a small hand-written ContainerRequestContext fake ---

    private static ContainerRequestContext request(long length, boolean hasEntity, AtomicReference<InputStream> entity) {
        return (ContainerRequestContext) Proxy.newProxyInstance(BodyLimitFilterTest.class.getClassLoader(),
                new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaderString" -> "Content-Length".equalsIgnoreCase((String) args[0]) && length >= 0
                            ? Long.toString(length) : null;
                    case "hasEntity" -> hasEntity;
                    case "getEntityStream" -> entity.get();
                    case "setEntityStream" -> {
                        entity.set((InputStream) args[0]);
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    public void filterRefusesADeclaredLengthOverTheLimitAtOnce() {
        AtomicReference<InputStream> entity = new AtomicReference<>(new ByteArrayInputStream(bytes(0)));
        try {
            new BodyLimitFilter(() -> 100).filter(request(101, true, entity));
            fail("expected PAYLOAD_TOO_LARGE");
        } catch (HostException e) {
            assertTooLarge(e, 100);
        }
    }

    @Test
    public void aDeclaredLengthOverTwoGibibytesIsRefusedAsTooLargeNotAsAFault() {
        AtomicReference<InputStream> entity = new AtomicReference<>(new ByteArrayInputStream(bytes(0)));
        try {
            new BodyLimitFilter(() -> 100).filter(request(99_999_999_999L, true, entity));
            fail("expected PAYLOAD_TOO_LARGE");
        } catch (HostException e) {
            assertTooLarge(e, 100);
        }
    }

    @Test
    public void declaredLengthsAreReadAsLongs() {
        assertEquals(-1, BodyLimitFilter.declaredLength(null));
        assertEquals(-1, BodyLimitFilter.declaredLength(" "));
        assertEquals(0, BodyLimitFilter.declaredLength("0"));
        assertEquals(99_999_999_999L, BodyLimitFilter.declaredLength(" 99999999999 "));
        assertEquals(Long.MAX_VALUE, BodyLimitFilter.declaredLength("9".repeat(40)));
        assertEquals("not a length: left to Jetty's framing", -1, BodyLimitFilter.declaredLength("12abc"));
        assertEquals(-1, BodyLimitFilter.declaredLength("-5"));
    }

    @Test
    public void filterWrapsTheEntityStreamOfABodyWithoutLength() throws IOException {
        InputStream original = new ByteArrayInputStream(bytes(101));
        AtomicReference<InputStream> entity = new AtomicReference<>(original);
        new BodyLimitFilter(() -> 100).filter(request(-1, true, entity));
        assertTrue(entity.get() instanceof BodyLimitFilter.LimitedInputStream);
        try {
            entity.get().readAllBytes();
            fail("expected PAYLOAD_TOO_LARGE while reading");
        } catch (HostException e) {
            assertTooLarge(e, 100);
        }
    }

    @Test
    public void filterLeavesRequestsWithoutBodyAlone() {
        AtomicReference<InputStream> entity = new AtomicReference<>(null);
        new BodyLimitFilter(() -> 100).filter(request(-1, false, entity));
        assertNull(entity.get());
    }

    @Test
    public void filterReadsTheLimitForEveryRequest() throws IOException {
        long[] limit = {100};
        BodyLimitFilter filter = new BodyLimitFilter(() -> limit[0]);
        InputStream original = new ByteArrayInputStream(bytes(50));
        AtomicReference<InputStream> entity = new AtomicReference<>(original);
        filter.filter(request(50, true, entity));
        assertEquals(50, entity.get().readAllBytes().length);

        limit[0] = 10;
        try {
            filter.filter(request(50, true, new AtomicReference<>(new ByteArrayInputStream(bytes(50)))));
            fail("the lowered limit must apply");
        } catch (HostException e) {
            assertTooLarge(e, 10);
        }
    }

    // --- the JSON limits of the strict mapper ---

    private static String quoted(int length) {
        return "\"" + "a".repeat(length) + "\"";
    }

    @Test
    public void strictMapperAcceptsStringsUpToTheLimit() throws IOException {
        ObjectMapper mapper = RestFeature.strictMapper(100, 10);
        JsonNode node = mapper.readTree("{\"s\":" + quoted(100) + "}");
        assertEquals(100, node.get("s").asText().length());
    }

    @Test
    public void strictMapperRejectsStringsOverTheLimit() {
        ObjectMapper mapper = RestFeature.strictMapper(100, 10);
        try {
            mapper.readTree("{\"s\":" + quoted(101) + "}");
            fail("a 101-character string must be refused");
        } catch (JsonProcessingException e) {
            assertTrue(e.getClass().getName(), e instanceof StreamConstraintsException);
        }
    }

    @Test
    public void strictMapperRejectsLongStringsWhenBindingToo() {
        ObjectMapper mapper = RestFeature.strictMapper(100, 10);
        try {
            mapper.readValue("{\"checks\":[" + quoted(5000) + "]}", HealthRunRequest.class);
            fail("a 5000-character string must be refused");
        } catch (JsonProcessingException e) {
            // data binding wraps the parser's StreamConstraintsException in a JsonMappingException
            Throwable t = e;
            while (t != null && !(t instanceof StreamConstraintsException)) {
                t = t.getCause();
            }
            assertTrue("no StreamConstraintsException in the chain of " + e, t instanceof StreamConstraintsException);
        }
    }

    @Test
    public void strictMapperAcceptsNestingUpToTheLimit() throws IOException {
        ObjectMapper mapper = RestFeature.strictMapper(1000, 4);
        JsonNode node = mapper.readTree("[[[[1]]]]");
        assertEquals(1, node.get(0).get(0).get(0).get(0).asInt());
    }

    @Test
    public void strictMapperRejectsNestingDeeperThanTheLimit() {
        ObjectMapper mapper = RestFeature.strictMapper(1000, 4);
        try {
            mapper.readTree("[[[[[1]]]]]");
            fail("nesting depth 5 must be refused");
        } catch (JsonProcessingException e) {
            assertTrue(e.getClass().getName(), e instanceof StreamConstraintsException);
        }
        try {
            mapper.readTree("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}");
            fail("object nesting depth 5 must be refused");
        } catch (JsonProcessingException e) {
            assertTrue(e.getClass().getName(), e instanceof StreamConstraintsException);
        }
    }

    @Test
    public void strictMapperReadsAValidRequest() throws IOException {
        HealthRunRequest request = RestFeature.strictMapper(1000, 10)
                .readValue("{\"checks\":[\"storage\",\"transport\"]}", HealthRunRequest.class);
        assertEquals(List.of("storage", "transport"), request.checks());
    }

    @Test
    public void strictMapperRejectsDuplicateFieldsAndTrailingTokens() {
        ObjectMapper mapper = RestFeature.strictMapper(1000, 10);
        try {
            mapper.readValue("{\"checks\":[\"a\"],\"checks\":[\"b\"]}", HealthRunRequest.class);
            fail("duplicate fields must be refused");
        } catch (JsonProcessingException expected) {
            assertFalse(expected instanceof StreamConstraintsException);
        }
        try {
            mapper.readValue("{\"checks\":[\"a\"]} {}", HealthRunRequest.class);
            fail("trailing tokens must be refused");
        } catch (JsonProcessingException expected) {
            assertFalse(expected instanceof StreamConstraintsException);
        }
    }

    @Test
    public void aBodyOverTheLimitStopsTheMapperWithPayloadTooLarge() {
        byte[] body = ("{\"checks\":[" + quoted(500) + "]}").getBytes();
        InputStream in = new BodyLimitFilter.LimitedInputStream(new ByteArrayInputStream(body), 100);
        try {
            RestFeature.strictMapper(10_000, 10).readValue(in, HealthRunRequest.class);
            fail("expected PAYLOAD_TOO_LARGE");
        } catch (HostException e) {
            assertTooLarge(e, 100);
        } catch (IOException e) {
            // Jackson may wrap what the stream threw; the host error must still be in the chain
            Throwable t = e;
            while (t != null && !(t instanceof HostException)) {
                t = t.getCause();
            }
            assertTrue("no HostException in " + e, t instanceof HostException);
            assertSame(ErrorCode.PAYLOAD_TOO_LARGE, ((HostException) t).code());
        }
    }
}
