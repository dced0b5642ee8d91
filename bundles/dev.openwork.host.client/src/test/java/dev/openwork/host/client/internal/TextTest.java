package dev.openwork.host.client.internal;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TextTest {

    @Test
    public void neutralizesTerminalEscapesAndHiddenCharacters() {
        assertEquals("?[31mred?[0m", Text.safe("\u001b[31mred\u001b[0m"));
        assertEquals("a?b?c?d", Text.safe("a\u202eb\u2028c\nd"));
        assertEquals("-", Text.safe(null));
        assertEquals("abc\u2026", Text.safe("abcdef", 3));
        assertEquals("héllo", Text.safe("héllo"));
    }
}
