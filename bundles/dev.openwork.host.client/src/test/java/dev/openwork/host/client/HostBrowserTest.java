package dev.openwork.host.client;

import static org.junit.Assert.assertNull;

import java.util.Map;
import javax.jmdns.ServiceInfo;
import org.junit.Test;

public class HostBrowserTest {

    @Test
    public void aResolutionWithAnEmptyOrPartialTxtRecordIsIgnored() {
        assertNull(HostBrowser.sighting("10.0.0.2", ServiceInfo.create("_openwork._tcp.local.", "h", 4748, "")));
        assertNull(HostBrowser.sighting("10.0.0.2", ServiceInfo.create("_openwork._tcp.local.", "h", 4748, 0, 0,
                Map.of("id", "00ff00ff00ff00ff"))));
        assertNull(HostBrowser.sighting("10.0.0.2", ServiceInfo.create("_openwork._tcp.local.", "h", 4748, 0, 0,
                Map.of("id", "not hex", "fp", "0123456789abcdef"))));
        assertNull(HostBrowser.sighting("10.0.0.2", null));
    }

    @Test
    public void aCompleteTxtRecordWithoutAnAddressIsNotYetAHost() {
        // JmDNS resolves TXT and SRV before the A record: the address follows in a later resolution
        assertNull(HostBrowser.sighting("10.0.0.2", ServiceInfo.create("_openwork._tcp.local.", "h", 4748, 0, 0,
                Map.of("id", "00ff00ff00ff00ff", "fp", "0123456789abcdef", "pair", "1"))));
    }
}
