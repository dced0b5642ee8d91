package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class LanAddressesTest {

    private static InetAddress ip(String literal) {
        return LanAddresses.parseLiteral(literal);
    }

    private static final List<InterfaceSnapshot> NETWORK = List.of(
            new InterfaceSnapshot("lo", true, true, List.of(ip("127.0.0.1"), ip("::1"))),
            new InterfaceSnapshot("eth0", true, false, List.of(ip("fe80::1"), ip("192.168.1.20"), ip("2001:db8::20"))),
            new InterfaceSnapshot("wlan0", true, false, List.of(ip("10.0.0.7"))),
            new InterfaceSnapshot("eth1", false, false, List.of(ip("172.16.0.3"))),
            new InterfaceSnapshot("docker0", true, false, List.of(ip("172.17.0.1"))));

    private static List<String> selected(Map<String, ?> config) {
        return LanAddresses.select(ListenerSettings.from(config), NETWORK).addresses().stream()
                .map(InetAddress::getHostAddress).toList();
    }

    @Test
    public void byDefaultEveryLanAddressOfEveryInterfaceThatIsUpIsServed() {
        assertEquals(List.of("10.0.0.7", "172.17.0.1", "192.168.1.20", "2001:db8:0:0:0:0:0:20"), selected(Map.of()));
    }

    @Test
    public void interfacesCanBeIncludedOrExcludedByName() {
        assertEquals(List.of("192.168.1.20", "2001:db8:0:0:0:0:0:20"), selected(Map.of("includeInterfaces", "eth0")));
        assertEquals(List.of("10.0.0.7", "192.168.1.20", "2001:db8:0:0:0:0:0:20"),
                selected(Map.of("excludeInterfaces", new String[] {"docker0"})));
    }

    @Test
    public void configuredAddressesReplaceTheScanAndMayBeLoopback() {
        assertEquals(List.of("127.0.0.1"), selected(Map.of("addresses", "127.0.0.1")));
        assertEquals(List.of("10.0.0.7", "192.168.1.20"), selected(Map.of("addresses", "192.168.1.20, 10.0.0.7")));
    }

    @Test
    public void aConfiguredAddressNoInterfaceHasIsReportedNotServed() {
        LanAddresses.Selection selection = LanAddresses.select(
                ListenerSettings.from(Map.of("addresses", new String[] {"192.168.1.20", "192.168.9.9", "172.16.0.3"})),
                NETWORK);
        assertEquals(List.of(ip("192.168.1.20")), selection.addresses());
        assertEquals(2, selection.problems().size());
        assertTrue(selection.problems().get(0).cause().contains("192.168.9.9"));
    }

    @Test
    public void wildcardAndLinkLocalAreRefusedWhenConfigured() {
        LanAddresses.Selection selection = LanAddresses.select(
                ListenerSettings.from(Map.of("addresses", "0.0.0.0,fe80::1")), NETWORK);
        assertEquals(List.of(), selection.addresses());
        assertEquals(2, selection.problems().size());
    }

    @Test
    public void literalsAreParsedWithoutDns() {
        assertEquals("192.168.1.20", ip("192.168.1.20").getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:1", ip("[2001:db8::1]").getHostAddress());
        for (String bad : new String[] {"example.org", "localhost", "256.1.1.1", "1.2.3", "fe80::1%eth0", "::g", ""}) {
            try {
                ip(bad);
                fail(bad + " is not an IP literal");
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }

    @Test
    public void zonesAreDroppedFromScannedAddresses() throws Exception {
        InetAddress scoped = java.net.Inet6Address.getByAddress("x", ip("2001:db8::5").getAddress(), 3);
        List<InterfaceSnapshot> network = List.of(new InterfaceSnapshot("eth0", true, false, List.of(scoped)));
        assertEquals("2001:db8:0:0:0:0:0:5",
                LanAddresses.select(ListenerSettings.from(Map.of()), network).addresses().get(0).getHostAddress());
    }
}
