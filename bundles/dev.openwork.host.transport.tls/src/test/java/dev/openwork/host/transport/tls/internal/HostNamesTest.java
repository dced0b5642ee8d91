package dev.openwork.host.transport.tls.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class HostNamesTest {

    @Test
    public void theFirstLabelLowerCasedAndSafeForDns() {
        assertEquals("macbook-pro", HostNames.firstLabel("MacBook-Pro.fritz.box"));
        assertEquals("build-box", HostNames.firstLabel("build_box"));
        assertEquals("host", HostNames.firstLabel(" host. "));
    }

    @Test
    public void nothingUsableGivesNull() {
        assertNull(HostNames.firstLabel(null));
        assertNull(HostNames.firstLabel(""));
        assertNull(HostNames.firstLabel("192.168.1.20"));
        assertNull(HostNames.firstLabel("fe80::1"));
        assertNull(HostNames.firstLabel("localhost.localdomain"));
        assertNull(HostNames.firstLabel("___"));
    }

    @Test
    public void theLocalNameEndsInDotLocal() {
        String name = HostNames.localHostName();
        assertTrue(name, name.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?\\.local"));
    }
}
