package dev.openwork.host.client.internal;

import static org.junit.Assert.assertEquals;

import dev.openwork.host.client.ServerEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class SseParserTest {

    private final List<ServerEvent> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();

    private SseParser parse(String lastId, String stream) throws Exception {
        SseParser parser = new SseParser(lastId, new SseParser.Handler() {
            @Override
            public void event(ServerEvent event) {
                events.add(event);
            }

            @Override
            public void comment(String text) {
                comments.add(text);
            }

            @Override
            public void retry(long millis) {
                retries.add(millis);
            }
        });
        parser.read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
        return parser;
    }

    @Test
    public void parsesIdsTypesMultiLineDataAndComments() throws Exception {
        SseParser parser = parse(null, ": heartbeat\n"
                + "id: 1\nevent: task.started\ndata: {\"a\":1}\n\n"
                + "data: line one\ndata: line two\ndata:\ndata:  indented\n\n"
                + ": another comment\n"
                + "id: 7\ndata: last\n\n");
        assertEquals(List.of(
                new ServerEvent("1", "task.started", "{\"a\":1}"),
                new ServerEvent("1", "message", "line one\nline two\n\n indented"),
                new ServerEvent("7", "message", "last")), events);
        assertEquals(List.of("heartbeat", "another comment"), comments);
        assertEquals("7", parser.lastEventId());
    }

    @Test
    public void handlesCrLfAndCrLineEndsAndFieldsWithoutColon() throws Exception {
        parse("0", "id: 5\r\ndata: a\r\n\r\ndata\rdata:b\r\r");
        assertEquals(List.of(new ServerEvent("5", "message", "a"), new ServerEvent("5", "message", "\nb")), events);
    }

    @Test
    public void idWithoutDataStillMovesTheLastIdAndEmptyEventsAreNotDispatched() throws Exception {
        SseParser parser = parse("3", "id: 4\n\nevent: x\n\nretry: 250\nretry: soon\nunknown: y\n\n");
        assertEquals(List.of(), events);
        assertEquals("4", parser.lastEventId());
        assertEquals(List.of(250L), retries);
    }

    @Test
    public void anUnfinishedEventAtTheEndIsDropped() throws Exception {
        parse(null, "\uFEFFdata: complete\n\ndata: cut off");
        assertEquals(List.of(new ServerEvent(null, "message", "complete")), events);
    }

    @Test
    public void idsWithNulAreIgnored() throws Exception {
        SseParser parser = parse("9", "id: a\u0000b\ndata: x\n\n");
        assertEquals(List.of(new ServerEvent("9", "message", "x")), events);
        assertEquals("9", parser.lastEventId());
    }
}
