package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openwork.host.client.HostAddress;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.PairingClient;
import java.util.Collection;
import java.util.List;

/**
 * Devices paired the way a user pairs them: the admin opens a window with the scopes to grant
 * (so no separate approval step), the real client library runs both PAKE round trips over TLS.
 */
final class PairedDevices {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PairedDevices() {
    }

    static KnownHost pair(HostProcess host, String name, Collection<String> scopes) {
        Http admin = host.admin().http();
        String body = JSON.createObjectNode().put("minutes", 1)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("scopes", JSON.valueToTree(List.copyOf(scopes))).toString();
        Http.Answer window = admin.post("/v1/pairing/window", "application/json", body);
        if (window.status() != 200) {
            throw new AssertionError("opening a pairing window answered " + window.status() + " " + window.body());
        }
        JsonNode json = window.json();
        String link = json.path("connectLink").asText();
        String fingerprint = link.substring(link.indexOf("fp=") + 3, link.indexOf('&', link.indexOf("fp=")));
        return new PairingClient(new HostAddress("127.0.0.1", host.lanPort), fingerprint).resultWaitSeconds(5)
                .pair(new PairingClient.Request(json.path("code").asText(), name, "cli", List.copyOf(scopes)), null);
    }

    /** Revokes a device through the admin API. */
    static void revoke(HostProcess host, String deviceId) {
        Http.Answer answer = host.admin().http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + host.httpPort + "/v1/devices/" + deviceId)).DELETE());
        if (answer.status() != 204) {
            throw new AssertionError("revoking " + deviceId + " answered " + answer.status() + " " + answer.body());
        }
    }
}
