package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ListenerSettingsTest {

    @Test
    public void defaults() {
        ListenerSettings settings = ListenerSettings.from(Map.of());
        assertTrue(settings.enabled());
        assertEquals(4748, settings.port());
        assertFalse(settings.addressesConfigured());
        assertEquals(30, settings.rescanSeconds());
        assertEquals(List.of(), settings.problems());
    }

    @Test
    public void valuesAsFileInstallWritesThem() {
        ListenerSettings settings = ListenerSettings.from(Map.of("enabled", "false", "port", "0",
                "addresses", "127.0.0.1", "rescanSeconds", "5"));
        assertFalse(settings.enabled());
        assertEquals(0, settings.port());
        assertEquals(List.of(LanAddresses.parseLiteral("127.0.0.1")), settings.addresses());
        assertEquals(5, settings.rescanSeconds());
        assertEquals(List.of(), settings.problems());
    }

    @Test
    public void aPortOutOfRangeClosesTheListenerAndIsReported() {
        for (Object port : new Object[] {70_000, -1, "abc", 1.5}) {
            ListenerSettings settings = ListenerSettings.from(Map.of("port", port));
            assertFalse(String.valueOf(port), settings.portValid());
            assertEquals(1, settings.problems().size());
            assertTrue(settings.problems().get(0).cause().contains(String.valueOf(port)));
            assertTrue(settings.problems().get(0).action().contains("etc/dev.openwork.host.transport.tls.cfg"));
        }
    }

    @Test
    public void aBadAddressIsSkippedAndReportedButStillMeansAddressesWereConfigured() {
        ListenerSettings settings = ListenerSettings.from(Map.of("addresses", new String[] {"300.1.1.1", "nas.example"}));
        assertTrue("a typo must not open every interface instead", settings.addressesConfigured());
        assertEquals(List.of(), settings.addresses());
        assertEquals(2, settings.problems().size());
        assertTrue(settings.problems().get(0).cause().contains("300.1.1.1"));
    }

    @Test
    public void badBooleansAndRescanIntervalsFallBackToDefaults() {
        ListenerSettings settings = ListenerSettings.from(Map.of("enabled", "yes", "rescanSeconds", 0));
        assertTrue(settings.enabled());
        assertEquals(30, settings.rescanSeconds());
        assertEquals(2, settings.problems().size());
    }
}
