package dev.openwork.host.discovery.mdns.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;

public class TxtRecordTest {

    private static final String FP = "0123456789abcdef".repeat(4);

    @Test
    public void carriesTheAgreedKeysInOrderWithTheVersionFirst() {
        Map<String, String> txt = TxtRecord.build("00ff00ff00ff00ff", FP, true, 4748);
        assertEquals(List.of("txtvers", "api", "id", "fp", "pair", "port"), List.copyOf(txt.keySet()));
        assertEquals("1", txt.get("txtvers"));
        assertEquals("v1", txt.get("api"));
        assertEquals("0123456789abcdef", txt.get("fp"));
        assertEquals("1", txt.get("pair"));
        assertEquals("4748", txt.get("port"));
    }

    @Test
    public void publishesOnlyAPrefixOfTheFingerprintAndNoSecret() {
        Map<String, String> txt = TxtRecord.build("00FF00FF00FF00FF", FP.toUpperCase(), false, 1);
        assertEquals(16, txt.get("fp").length());
        assertEquals("00ff00ff00ff00ff", txt.get("id"));
        assertEquals("0", txt.get("pair"));
        assertFalse(txt.values().stream().anyMatch(value -> value.contains(FP)));
    }

    @Test
    public void staysUnderTwoHundredBytesEvenAtItsLargest() {
        Map<String, String> txt = TxtRecord.build("f".repeat(64), FP, true, 65535);
        int size = TxtRecord.encodedSize(txt);
        assertTrue("size " + size, size <= 200);
        // each string: one length byte plus key=value
        assertEquals(1 + "txtvers=1".length() + 1 + "api=v1".length() + 1 + ("id=" + "f".repeat(64)).length()
                + 1 + "fp=0123456789abcdef".length() + 1 + "pair=1".length() + 1 + "port=65535".length(), size);
    }

    @Test
    public void refusesInputsItCannotPublish() {
        assertThrows(IllegalArgumentException.class, () -> TxtRecord.build("not hex", FP, false, 4748));
        assertThrows(IllegalArgumentException.class, () -> TxtRecord.build("ab", "abc", false, 4748));
        assertThrows(IllegalArgumentException.class, () -> TxtRecord.build("ab", FP, false, 0));
        assertThrows(IllegalArgumentException.class, () -> TxtRecord.build("f".repeat(65), FP, false, 1));
    }

    @Test
    public void aStringOverTwoHundredFiftyFiveBytesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TxtRecord.encodedSize(Map.of("k", "v".repeat(254))));
        assertEquals(256, TxtRecord.encodedSize(Map.of("k", "v".repeat(253))));
    }
}
