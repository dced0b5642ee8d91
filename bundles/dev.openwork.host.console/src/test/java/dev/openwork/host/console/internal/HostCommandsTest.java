package dev.openwork.host.console.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.osgi.framework.Bundle;

public class HostCommandsTest {

    @Test
    public void uptimeUnderAMinute() {
        assertEquals("0m 00s", HostCommands.formatUptime(Duration.ZERO));
        assertEquals("0m 59s", HostCommands.formatUptime(Duration.ofSeconds(59)));
    }

    @Test
    public void uptimeUnderAnHour() {
        assertEquals("1m 00s", HostCommands.formatUptime(Duration.ofSeconds(60)));
        assertEquals("59m 59s", HostCommands.formatUptime(Duration.ofSeconds(3599)));
    }

    @Test
    public void uptimeInHours() {
        assertEquals("1h 00m 00s", HostCommands.formatUptime(Duration.ofSeconds(3600)));
        assertEquals("1h 02m 05s", HostCommands.formatUptime(Duration.ofSeconds(3725)));
        assertEquals("23h 59m 59s", HostCommands.formatUptime(Duration.ofSeconds(86399)));
    }

    @Test
    public void uptimeInDaysDropsTheSeconds() {
        assertEquals("1d 00h 00m", HostCommands.formatUptime(Duration.ofSeconds(86400)));
        assertEquals("1d 01h 01m", HostCommands.formatUptime(Duration.ofSeconds(90061)));
        assertEquals("12d 03h 04m", HostCommands.formatUptime(Duration.ofDays(12).plusHours(3).plusMinutes(4).plusSeconds(5)));
    }

    @Test
    public void uptimeIgnoresFractionsOfASecond() {
        assertEquals("0m 01s", HostCommands.formatUptime(Duration.ofMillis(1999)));
    }

    @Test
    public void stateNames() {
        assertEquals("active", HostCommands.stateName(Bundle.ACTIVE));
        assertEquals("resolved", HostCommands.stateName(Bundle.RESOLVED));
        assertEquals("installed", HostCommands.stateName(Bundle.INSTALLED));
        assertEquals("starting", HostCommands.stateName(Bundle.STARTING));
        assertEquals("stopping", HostCommands.stateName(Bundle.STOPPING));
        assertEquals("uninstalled", HostCommands.stateName(Bundle.UNINSTALLED));
    }

    @Test
    public void unknownStatesAreUnknown() {
        assertEquals("unknown", HostCommands.stateName(0));
        assertEquals("unknown", HostCommands.stateName(Bundle.ACTIVE | Bundle.RESOLVED));
        assertEquals("unknown", HostCommands.stateName(-1));
    }

    private static Bundle bundle(String symbolicName, int state) {
        return (Bundle) Proxy.newProxyInstance(HostCommandsTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getState" -> state;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    public void bundlesAreGroupedByStateSortedByStateName() {
        Map<String, List<String>> byState = HostCommands.bundlesByState(new Bundle[] {
                bundle("b.one", Bundle.ACTIVE),
                bundle("b.two", Bundle.RESOLVED),
                bundle("b.three", Bundle.ACTIVE),
                bundle("b.four", Bundle.INSTALLED)});
        assertEquals(List.of("active", "installed", "resolved"), List.copyOf(byState.keySet()));
        assertEquals(List.of("b.one", "b.three"), byState.get("active"));
        assertEquals(List.of("b.four"), byState.get("installed"));
        assertEquals(List.of("b.two"), byState.get("resolved"));
    }
}
