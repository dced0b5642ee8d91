package dev.openwork.host.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

public class ConnectLinkTest {

    private static final String FP = "0123456789abcdef".repeat(4);

    private static void rejects(String link, String words) {
        try {
            ConnectLink.parse(link);
            fail("accepted " + link);
        } catch (HostClientException e) {
            assertEquals(HostClientException.Kind.INVALID_INPUT, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(words));
            assertTrue(e.action() != null);
        }
    }

    @Test
    public void parsesAFullLink() {
        ConnectLink link = ConnectLink.parse("openwork-host://192.168.1.20:4748?fp=" + FP + "&code=12345678");
        assertEquals(new HostAddress("192.168.1.20", 4748), link.address());
        assertEquals(FP, link.fingerprint());
        assertEquals("12345678", link.code());
        assertEquals("openwork-host://192.168.1.20:4748?fp=" + FP + "&code=12345678", link.toLink());
        assertTrue(link.toString().endsWith(", code=<hidden>]"));
    }

    @Test
    public void codeIsOptionalAndFingerprintIsNormalized() {
        ConnectLink link = ConnectLink.parse("  OPENWORK-HOST://myhost.local:5000/?fp=" + FP.toUpperCase() + "  ");
        assertEquals("myhost.local", link.address().host());
        assertEquals(5000, link.address().port());
        assertEquals(FP, link.fingerprint());
        assertNull(link.code());
        assertNull(ConnectLink.parse("openwork-host://h:1?code=&fp=" + FP).code());
    }

    @Test
    public void parsesIpv6AndDefaultPort() {
        ConnectLink link = ConnectLink.parse("openwork-host://[fe80::1]:4748?fp=" + FP);
        assertEquals("fe80::1", link.address().host());
        assertEquals("[fe80::1]:4748", link.address().authority());
        assertEquals(4748, ConnectLink.parse("openwork-host://10.0.0.1?fp=" + FP).address().port());
    }

    @Test
    public void rejectsBrokenLinks() {
        rejects("https://10.0.0.1:4748?fp=" + FP, "openwork-host://");
        rejects("openwork-host://10.0.0.1:4748", "fingerprint");
        rejects("openwork-host://10.0.0.1:4748?fp=abc", "64 hex");
        rejects("openwork-host://10.0.0.1:4748?fp=" + FP + "&code=1234", "8 digits");
        rejects("openwork-host://10.0.0.1:4748?fp=" + FP + "&code=1234567x", "8 digits");
        rejects("openwork-host://10.0.0.1:4748?fp=" + FP + "&fp=" + FP, "twice");
        rejects("openwork-host://10.0.0.1:99999?fp=" + FP, "address");
        rejects("openwork-host://user@10.0.0.1:4748?fp=" + FP, "address");
        rejects("openwork-host://10.0.0.1:4748/path?fp=" + FP, "address");
        rejects("openwork-host://?fp=" + FP, "address");
        rejects("openwork-host://10.0.0.1:4748?fp=" + FP + "x".repeat(600), "too long");
        assertTrue(ConnectLink.isLink("openwork-host://x"));
        assertFalse(ConnectLink.isLink("10.0.0.1"));
    }

    @Test
    public void parsesAddresses() {
        assertEquals(new HostAddress("10.0.0.1", 4748), HostAddress.parse("10.0.0.1", 4748));
        assertEquals(new HostAddress("10.0.0.1", 80), HostAddress.parse("10.0.0.1:80", 4748));
        assertEquals(new HostAddress("fe80::1", 4748), HostAddress.parse("fe80::1", 4748));
        assertEquals(new HostAddress("::1", 9), HostAddress.parse("[::1]:9", 4748));
        assertEquals("host.local:4748", HostAddress.parse("host.local", 4748).authority());
        for (String bad : new String[] {"", "a b", "host:", "host:x", "[::1", "[::1]x", "h/x", "h@x", "h:0", "h:70000"}) {
            try {
                HostAddress.parse(bad, 4748);
                fail("accepted " + bad);
            } catch (HostClientException e) {
                assertEquals(HostClientException.Kind.INVALID_INPUT, e.kind());
            }
        }
    }

    @Test
    public void normalizesTypedCodes() {
        assertEquals("12345678", PairingCode.normalize(" 1234 5678 "));
        assertEquals("12345678", PairingCode.normalize("1234-5678"));
        assertNull(PairingCode.normalize("1234567"));
        assertNull(PairingCode.normalize("١٢٣٤٥٦٧٨")); // non-ASCII digits are not a code
        assertEquals("ab12 cd34 ef", Fingerprints.grouped("ab12cd34ef"));
    }
}
