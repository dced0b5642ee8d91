package dev.openwork.host.permissions.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** JSON for questions, outcomes, rules and audit entries: times as ISO-8601 text, unknown fields refused. */
final class Json {

    static final ObjectMapper MAPPER = mapper();

    private Json() {
    }

    private static ObjectMapper mapper() {
        SimpleModule instants = new SimpleModule("openwork-permission-instants");
        instants.addSerializer(Instant.class, ToStringSerializer.instance);
        instants.addDeserializer(Instant.class, new StdDeserializer<Instant>(Instant.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                try {
                    return Instant.parse(parser.getValueAsString());
                } catch (DateTimeParseException | NullPointerException e) {
                    throw context.weirdStringException(parser.getValueAsString(), Instant.class, "not an ISO-8601 instant");
                }
            }
        });
        return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).addModule(instants).build();
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
