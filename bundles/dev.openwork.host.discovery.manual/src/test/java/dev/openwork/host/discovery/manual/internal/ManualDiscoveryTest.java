package dev.openwork.host.discovery.manual.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.openwork.host.api.discovery.DiscoveryState;
import dev.openwork.host.api.identity.LanEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ManualDiscoveryTest {

    private static final String FP = "ab".repeat(32);
    private static final List<LanEndpoint> LISTENER = List.of(new LanEndpoint("192.168.1.20", 4748));

    @Test
    public void publishesTheConfiguredAddressesWithTheListenersPort() {
        DiscoveryState state = ManualDiscovery.describe(ManualSettings.from(Map.of("addresses", "10.8.0.1, host.example.org, [fd00::1]")),
                LISTENER, FP);
        assertTrue(state.working());
        assertEquals(List.of("10.8.0.1:4748", "host.example.org:4748", "[fd00::1]:4748"), state.addresses());
        assertEquals("openwork-host://10.8.0.1:4748?fp=" + FP, state.connectLinks().get(0));
    }

    @Test
    public void aForwardedPortReplacesTheListenersPort() {
        DiscoveryState state = ManualDiscovery.describe(ManualSettings.from(Map.of("addresses", "203.0.113.7", "port", "14748")),
                LISTENER, FP);
        assertEquals(List.of("openwork-host://203.0.113.7:14748?fp=" + FP), state.connectLinks());
    }

    @Test
    public void withoutConfigurationItPublishesTheListenersAddresses() {
        DiscoveryState state = ManualDiscovery.describe(ManualSettings.from(Map.of()), LISTENER, FP);
        assertTrue(state.working());
        assertEquals(List.of("192.168.1.20:4748"), state.addresses());
        assertTrue(state.cause(), state.cause().contains("none configured"));
    }

    @Test
    public void nothingToPublishIsAProblemWithAnAction() {
        DiscoveryState state = ManualDiscovery.describe(ManualSettings.from(Map.of()), List.of(), FP);
        assertFalse(state.working());
        assertTrue(state.action(), state.action().contains("etc/dev.openwork.host.discovery.manual.cfg"));
    }

    @Test
    public void badEntriesAreReportedAndLeftOut() {
        ManualSettings settings = ManualSettings.from(Map.of("addresses", "http://x/, 10.0.0.1, a b, fe80::1%eth0",
                "port", "99999"));
        assertEquals(List.of("10.0.0.1"), settings.addresses());
        assertEquals(0, settings.port());
        assertEquals(4, settings.problems().size());
        DiscoveryState state = ManualDiscovery.describe(settings, LISTENER, FP);
        assertTrue(state.working());
        assertTrue(state.cause(), state.cause().contains("Configuration problems"));
    }
}
