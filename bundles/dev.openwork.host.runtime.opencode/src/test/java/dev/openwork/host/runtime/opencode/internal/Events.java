package dev.openwork.host.runtime.opencode.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** OpenCode events for tests, written as OpenCode sends them (single quotes for readability). */
final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    static OpenCodeEvent of(String directory, String singleQuotedJson) {
        try {
            JsonNode payload = JSON.readTree(singleQuotedJson.replace('\'', '"'));
            return new OpenCodeEvent(directory, payload, payload.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OpenCodeEvent permissionAsked(String id, String session, String command, String callId) {
        return of("/ws", "{'id':'evt_1','type':'permission.asked','properties':{'id':'" + id + "','sessionID':'" + session
                + "','permission':'bash','patterns':['" + command + "'],'metadata':{'command':'" + command
                + "'},'always':['echo *'],'tool':{'messageID':'msg_1','callID':'" + callId + "'}}}");
    }
}
