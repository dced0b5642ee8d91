package dev.openwork.host.runtime.shell.internal;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class LineSplitterTest {

    private static List<String> split(int max, byte[]... chunks) {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(max, lines::add);
        for (byte[] chunk : chunks) {
            splitter.feed(chunk, 0, chunk.length);
        }
        splitter.finish();
        return lines;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void linesEndAtLineBreaksEvenAcrossChunks() {
        assertEquals(List.of("one", "two", "", "three"), split(64, utf8("on"), utf8("e\ntwo\r\n\nthr"), utf8("ee")));
    }

    @Test
    public void noEmptyLineAfterAFinalLineBreak() {
        assertEquals(List.of("a"), split(64, utf8("a\n")));
        assertEquals(List.of(), split(64, utf8("")));
    }

    @Test
    public void longLinesAreSplitAtTheLimit() {
        assertEquals(List.of("0123456789abcdef", "0123456789abcdef", "xy"),
                split(16, utf8("0123456789abcdef0123456789abcdefxy\n")));
        // exactly the limit, then a line break: one line, not an extra empty one
        assertEquals(List.of("0123456789abcdef", "z"), split(16, utf8("0123456789abcdef\nz")));
    }

    @Test
    public void aSplitNeverCutsAUtf8Sequence() {
        // 15 ASCII bytes, then a 3-byte euro sign: the limit of 16 falls inside it
        assertEquals(List.of("aaaaaaaaaaaaaaa", "\u20acb"), split(16, utf8("aaaaaaaaaaaaaaa\u20acb")));
        // a 4-byte sequence fed one byte at a time
        byte[] emoji = utf8("aaaaaaaaaaaaaa\uD83D\uDE00");
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : emoji) {
            bytes.add(new byte[] {b});
        }
        assertEquals(List.of("aaaaaaaaaaaaaa", "\uD83D\uDE00"), split(16, bytes.toArray(new byte[0][])));
    }

    @Test
    public void invalidUtf8IsReplaced() {
        assertEquals(List.of("a\uFFFDb"), split(64, new byte[] {'a', (byte) 0xFF, 'b'}));
    }
}
