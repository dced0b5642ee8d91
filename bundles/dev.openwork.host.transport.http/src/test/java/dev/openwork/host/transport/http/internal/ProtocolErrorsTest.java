package dev.openwork.host.transport.http.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.error.ErrorCode;
import dev.openwork.host.api.error.HostError;
import org.junit.Test;

public class ProtocolErrorsTest {

    private static void assertTyped(HostError error, ErrorCode code, String messagePart) {
        assertEquals(error.toString(), code.wireName(), error.code());
        assertTrue(error + " should say " + messagePart, error.message().contains(messagePart));
        assertFalse(error.message().isBlank());
        assertTrue("every protocol error says what to do: " + error, error.action() != null && !error.action().isBlank());
    }

    @Test
    public void oversizedHeadersNameTheConnectorsLimit() {
        assertTyped(ProtocolErrors.describe(431, "Request Header Fields Too Large", 8192), ErrorCode.INVALID_REQUEST,
                "The request's headers are larger than 8 KiB.");
        assertTyped(ProtocolErrors.describe(431, null, 16384), ErrorCode.INVALID_REQUEST, "larger than 16 KiB");
        assertTyped(ProtocolErrors.describe(431, null, 10000), ErrorCode.INVALID_REQUEST, "larger than 10000 bytes");
        assertTyped(ProtocolErrors.describe(431, null, -1), ErrorCode.INVALID_REQUEST, "larger than the host accepts");
    }

    @Test
    public void anOverlongUriIsAnInvalidRequestThatNamesTheLimit() {
        HostError error = ProtocolErrors.describe(414, "URI Too Long", 8192);
        assertTyped(error, ErrorCode.INVALID_REQUEST, "URI is longer than the host accepts");
        assertTrue(error.message(), error.message().contains("8 KiB"));
    }

    @Test
    public void anUnsupportedVersionOrFeatureIsTheClientsFaultNotAnInternalOne() {
        assertTyped(ProtocolErrors.describe(505, "Unsupported Version", 8192), ErrorCode.INVALID_REQUEST, "HTTP version");
        assertTyped(ProtocolErrors.describe(501, null, 8192), ErrorCode.INVALID_REQUEST, "does not implement");
        assertEquals(ErrorCode.INVALID_REQUEST, ProtocolErrors.codeOf(505));
        assertEquals(ErrorCode.INVALID_REQUEST, ProtocolErrors.codeOf(501));
    }

    @Test
    public void badRequestsSayWhatWasWrongFromJettysReason() {
        assertTyped(ProtocolErrors.describe(400, "No URI", 8192), ErrorCode.INVALID_REQUEST, "request line is malformed");
        assertTyped(ProtocolErrors.describe(400, "Illegal character LF=\\n", 8192), ErrorCode.INVALID_REQUEST,
                "not well-formed HTTP (Illegal character LF=\\n)");
        assertTyped(ProtocolErrors.describe(400, "Duplicate Host Header", 8192), ErrorCode.INVALID_REQUEST, "Host header");
        assertTyped(ProtocolErrors.describe(400, "No Host", 8192), ErrorCode.INVALID_REQUEST, "Host header");
        assertTyped(ProtocolErrors.describe(400, "Authority!=Host", 8192), ErrorCode.INVALID_REQUEST, "Host header");
        assertTyped(ProtocolErrors.describe(400, "Bad Transfer-Encoding, chunked not last", 8192), ErrorCode.INVALID_REQUEST,
                "framing is broken");
        assertTyped(ProtocolErrors.describe(400, "Early EOF", -1), ErrorCode.INVALID_REQUEST, "framing is broken");
        assertTyped(ProtocolErrors.describe(400, "Bad chunking", -1), ErrorCode.INVALID_REQUEST, "framing is broken");
        assertTyped(ProtocolErrors.describe(400, "Invalid Content-Length Value", 8192), ErrorCode.INVALID_REQUEST,
                "Content-Length header is invalid");
        assertTyped(ProtocolErrors.describe(400, "Ambiguous URI path segment", 8192), ErrorCode.INVALID_REQUEST,
                "path is malformed or ambiguous");
        assertTyped(ProtocolErrors.describe(400, "Suspicious Path Character", 8192), ErrorCode.INVALID_REQUEST,
                "path is malformed or ambiguous");
        assertTyped(ProtocolErrors.describe(400, "Bad Request", 8192), ErrorCode.INVALID_REQUEST, "not well-formed HTTP.");
        assertTyped(ProtocolErrors.describe(400, null, 8192), ErrorCode.INVALID_REQUEST, "not well-formed HTTP.");
    }

    @Test
    public void statusesWithACodeOfTheirOwnKeepIt() {
        assertTyped(ProtocolErrors.describe(413, null, 8192), ErrorCode.PAYLOAD_TOO_LARGE, "larger than the host accepts");
        assertTyped(ProtocolErrors.describe(404, null, 8192), ErrorCode.NOT_FOUND, "No such route");
        assertTyped(ProtocolErrors.describe(405, null, 8192), ErrorCode.METHOD_NOT_ALLOWED, "HTTP method");
        assertTyped(ProtocolErrors.describe(408, null, 8192), ErrorCode.INVALID_REQUEST, "did not arrive in time");
        assertTyped(ProtocolErrors.describe(411, null, 8192), ErrorCode.INVALID_REQUEST, "no Content-Length");
        assertTyped(ProtocolErrors.describe(503, null, 8192), ErrorCode.UNAVAILABLE, "cannot take this request now");
    }

    @Test
    public void aFaultInsideJettyIsInternalWithoutDetails() {
        HostError error = ProtocolErrors.describe(500, "java.lang.NullPointerException: at org.eclipse.jetty.Foo", 8192);
        assertTyped(error, ErrorCode.INTERNAL, "failed to handle this request");
        assertFalse(error.message(), error.message().contains("NullPointer"));
    }

    @Test
    public void onlyShortPrintableReasonsAreShown() {
        assertEquals("Illegal character CNTL=0x1", ProtocolErrors.detail(400, " Illegal character CNTL=0x1 "));
        assertNull("the status's own text adds nothing", ProtocolErrors.detail(431, "Request Header Fields Too Large"));
        assertNull(ProtocolErrors.detail(400, "bad \u0001 byte"));
        assertNull(ProtocolErrors.detail(400, "caf\u00e9"));
        assertNull(ProtocolErrors.detail(400, "<script>alert(1)</script>"));
        assertNull(ProtocolErrors.detail(400, "x".repeat(81)));
        assertNull(ProtocolErrors.detail(400, "  "));
        assertNull(ProtocolErrors.detail(400, null));
    }
}
