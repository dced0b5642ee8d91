package dev.openwork.host.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Seeded JSON bodies from the schemas of the host's OpenAPI document: plausible ones (each
 * property filled with a value of its type, with hints by property name so that a body gets past
 * the first checks and reaches deeper ones), and mutations of them, as trees (wrong types, unknown
 * and missing fields, huge strings, deep nesting, huge arrays, numbers out of range, odd Unicode)
 * and as bytes (truncation, flipped and inserted bytes, duplicate keys, invalid UTF-8, trailing
 * garbage). The same seed gives the same inputs.
 *
 * <p>Bash commands are never invented: a task's {@code command} is always one of {@link
 * #SAFE_COMMANDS} or not a string at all, so a fuzz run cannot ask the host to run anything harmful.
 */
final class JsonBodies {

    static final List<String> SAFE_COMMANDS = List.of("true", "echo fuzz", "printf x");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ODD_TEXT = "\u202e\u200b\ud83d\ude00\u0000\u0007\u00e9\ufeff\u2028";

    /** A body to send: its bytes and Content-Type (null: none sent), and what was done to it. */
    record Body(byte[] bytes, String contentType, String mutation) {
        String preview() {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return mutation + ": " + (text.length() > 160 ? text.substring(0, 160) + "..." : text);
        }
    }

    private final ApiDocument api;
    private final Random random;
    private final Function<String, JsonNode> hints;

    /**
     * @param hints a value for a property name (or null to generate one): a real workspace, a code
     */
    JsonBodies(ApiDocument api, long seed, Function<String, JsonNode> hints) {
        this.api = api;
        this.random = new Random(seed);
        this.hints = hints;
    }

    Random random() {
        return random;
    }

    /** A plausible instance of the schema. */
    JsonNode plausible(JsonNode schema) {
        return plausible(schema, null, 0);
    }

    private JsonNode plausible(JsonNode schema, String property, int depth) {
        if (property != null) {
            JsonNode hinted = hints.apply(property);
            if (hinted != null) {
                return hinted.deepCopy();
            }
        }
        JsonNode resolved = api.resolve(schema);
        if (resolved == null || depth > 8) {
            return NODES.nullNode();
        }
        if (resolved.has("enum")) {
            JsonNode values = resolved.path("enum");
            return values.get(random.nextInt(values.size())).deepCopy();
        }
        switch (resolved.path("type").asText("")) {
            case "object" -> {
                ObjectNode object = NODES.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> fields = resolved.path("properties").fields(); fields.hasNext();) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (random.nextInt(10) < 9) {
                        object.set(field.getKey(), plausible(field.getValue(), field.getKey(), depth + 1));
                    }
                }
                return object;
            }
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                int items = random.nextInt(4);
                String itemHint = property == null ? null : property + "[]";
                for (int i = 0; i < items; i++) {
                    array.add(plausible(resolved.path("items"), itemHint, depth + 1));
                }
                return array;
            }
            case "string" -> {
                return NODES.textNode(word());
            }
            case "integer" -> {
                return NODES.numberNode(new long[] {0, 1, 5, 60, -1, 1000}[random.nextInt(6)]);
            }
            case "number" -> {
                return NODES.numberNode(random.nextDouble() * 100);
            }
            case "boolean" -> {
                return NODES.booleanNode(random.nextBoolean());
            }
            default -> {
                return scalar();
            }
        }
    }

    private String word() {
        String[] words = {"", "a", "x", "status:read", "admin", "shell", "once", "manual", "storage", "fuzz", "abcdefgh12345678"};
        return words[random.nextInt(words.length)];
    }

    private JsonNode scalar() {
        return switch (random.nextInt(6)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt(2000) - 1000);
            case 3 -> NODES.textNode(word());
            case 4 -> NODES.arrayNode();
            default -> NODES.objectNode();
        };
    }

    /** A plausible body for the schema, or one of many mutations of it (about 9 in 10). */
    Body next(JsonNode schema) {
        JsonNode base = plausible(schema);
        if (random.nextInt(10) == 0) {
            return json(safe(base), "plausible");
        }
        return random.nextInt(3) == 0 ? mutateBytes(safe(base)) : mutateTree(base);
    }

    /** A mutation of a given body (a real PAKE message, say), as tree or as bytes. */
    Body mutate(JsonNode base) {
        if (random.nextInt(10) == 0) {
            return json(safe(base.deepCopy()), "unchanged");
        }
        return random.nextInt(3) == 0 ? mutateBytes(safe(base.deepCopy())) : mutateTree(base);
    }

    private Body json(JsonNode node, String mutation) {
        return new Body(text(node).getBytes(StandardCharsets.UTF_8), "application/json", mutation);
    }

    private Body mutateTree(JsonNode base) {
        JsonNode root = base.deepCopy();
        String mutation;
        switch (random.nextInt(11)) {
            case 0 -> {
                mutation = "wrong type";
                root = replaceRandom(root, scalar());
            }
            case 1 -> {
                mutation = "unknown field";
                root = replaceRandom(root, NODES.objectNode().put("surprise" + random.nextInt(100), 1));
                if (root.isObject()) {
                    ((ObjectNode) root).put("unknownField", "x");
                }
            }
            case 2 -> {
                mutation = "missing field";
                if (root.isObject() && root.size() > 0) {
                    List<String> names = new ArrayList<>();
                    root.fieldNames().forEachRemaining(names::add);
                    ((ObjectNode) root).remove(names.get(random.nextInt(names.size())));
                }
            }
            case 3 -> {
                mutation = "huge string";
                root = replaceRandom(root, NODES.textNode("A".repeat(random.nextBoolean() ? 300_000 : 20_000)));
            }
            case 4 -> {
                mutation = "deep nesting";
                JsonNode deep = NODES.textNode("bottom");
                for (int i = 0; i < 80 + random.nextInt(200); i++) {
                    deep = random.nextBoolean() ? NODES.arrayNode().add(deep) : NODES.objectNode().set("d", deep);
                }
                root = replaceRandom(root, deep);
            }
            case 5 -> {
                mutation = "huge array";
                ArrayNode many = NODES.arrayNode();
                for (int i = 0; i < 20_000; i++) {
                    many.add(random.nextBoolean() ? "status:read" : "x" + i);
                }
                root = replaceRandom(root, many);
            }
            case 6 -> {
                mutation = "number out of range";
                String[] numbers = {"1e400", "-9223372036854775809", "9223372036854775808", "2147483648", "1.5", "-0", "NaN"};
                root = replaceRandom(root, NODES.rawValueNode(new com.fasterxml.jackson.databind.util.RawValue(
                        numbers[random.nextInt(numbers.length)])));
            }
            case 7 -> {
                mutation = "odd unicode";
                StringBuilder odd = new StringBuilder();
                for (int i = 0; i < 1 + random.nextInt(20); i++) {
                    odd.append(ODD_TEXT.charAt(random.nextInt(ODD_TEXT.length())));
                }
                if (random.nextBoolean()) {
                    odd.append('\ud800'); // a lone surrogate
                }
                root = replaceRandom(root, NODES.textNode(odd.toString()));
            }
            case 8 -> {
                mutation = "null everywhere";
                root = replaceRandom(root, NODES.nullNode());
            }
            case 9 -> {
                mutation = "not an object";
                root = scalar();
            }
            default -> {
                mutation = "two mutations";
                root = replaceRandom(replaceRandom(root, scalar()), NODES.textNode(word()));
            }
        }
        return json(safe(root), mutation);
    }

    private Body mutateBytes(JsonNode base) {
        byte[] bytes = text(base).getBytes(StandardCharsets.UTF_8);
        String contentType = "application/json";
        String mutation;
        switch (random.nextInt(9)) {
            case 0 -> {
                mutation = "truncated";
                bytes = java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case 1 -> {
                mutation = "flipped byte";
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> {
                mutation = "inserted byte";
                byte[] longer = new byte[bytes.length + 1];
                int at = random.nextInt(bytes.length + 1);
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) "{}[],:\"\\0x\u0000".charAt(random.nextInt(11));
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                bytes = longer;
            }
            case 3 -> {
                mutation = "duplicate key";
                String text = text(base);
                if (text.startsWith("{") && text.length() > 2) {
                    int comma = text.indexOf(',');
                    String first = text.substring(1, comma > 0 ? comma : text.length() - 1);
                    text = "{" + first + "," + text.substring(1);
                }
                bytes = text.getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                mutation = "invalid UTF-8";
                byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
                byte[] longer = new byte[bytes.length + bad.length];
                int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                System.arraycopy(bytes, 0, longer, 0, at);
                System.arraycopy(bad, 0, longer, at, bad.length);
                System.arraycopy(bytes, at, longer, at + bad.length, bytes.length - at);
                bytes = longer;
            }
            case 5 -> {
                mutation = "trailing garbage";
                bytes = (text(base) + (random.nextBoolean() ? " {}" : "x")).getBytes(StandardCharsets.UTF_8);
            }
            case 6 -> {
                mutation = "empty body";
                bytes = new byte[0];
            }
            case 7 -> {
                mutation = "other content type";
                contentType = new String[] {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "application/json; charset=utf-16", "multipart/form-data; boundary=x", null}[random.nextInt(6)];
            }
            default -> {
                mutation = "random bytes";
                bytes = new byte[random.nextInt(200)];
                random.nextBytes(bytes);
            }
        }
        return new Body(bytes, contentType, mutation);
    }

    /** Replaces a randomly chosen node (the root included) with {@code replacement}. */
    private JsonNode replaceRandom(JsonNode root, JsonNode replacement) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        if (containers.isEmpty() || random.nextInt(8) == 0) {
            return replacement;
        }
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.isEmpty() || random.nextInt(5) == 0 ? "added" + random.nextInt(10)
                    : names.get(random.nextInt(names.size()));
            object.set(name, replacement);
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(replacement);
            } else {
                array.set(random.nextInt(array.size()), replacement);
            }
        }
        return root;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (node.isContainerNode()) {
            into.add(node);
            node.forEach(child -> collectContainers(child, into));
        }
    }

    /** A {@code command} field is only ever a safe command, or not a string. */
    private static JsonNode safe(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode command = object.get("command");
            if (command != null && command.isTextual() && !SAFE_COMMANDS.contains(command.asText())) {
                object.put("command", SAFE_COMMANDS.get(Math.abs(command.asText().hashCode()) % SAFE_COMMANDS.size()));
            }
            object.forEach(JsonBodies::safe);
        } else if (node instanceof ArrayNode array) {
            array.forEach(JsonBodies::safe);
        }
        return node;
    }

    private static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unpadded base64url of {@code bytes} random bytes (keys, EC points). */
    static String base64Url(Random random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
