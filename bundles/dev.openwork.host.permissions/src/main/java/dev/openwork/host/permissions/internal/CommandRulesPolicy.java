package dev.openwork.host.permissions.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command rules in the style of OpenCode's {@code permission} setting: per tool, either one action
 * ({@code "edit": "ask"}) or ordered patterns with actions, where the last matching pattern wins
 * ({@code "bash": {"*": "ask", "git status*": "allow", "rm *": "deny"}}). Bash patterns are matched
 * against each command of a line; the line is denied if one command is denied, asked about if one
 * is asked about, allowed only if every command is allowed, and otherwise this policy abstains.
 * File tools' patterns are matched against the file's path relative to the workspace. Rules that
 * cannot be read deny every call of their tool, so a typo never opens the gate.
 */
@Component(service = ToolPolicy.class, configurationPid = CommandRulesPolicy.PID,
        property = {ToolPolicy.NAME + "=" + CommandRulesPolicy.NAME, Constants.SERVICE_RANKING + ":Integer=100"})
@Designate(ocd = CommandRulesPolicy.Config.class)
public final class CommandRulesPolicy implements ToolPolicy {

    static final String PID = "dev.openwork.host.permissions.commands";
    static final String NAME = "command-rules";
    private static final Logger LOG = LoggerFactory.getLogger(CommandRulesPolicy.class);

    @ObjectClassDefinition(name = "OpenWork Host command rules",
            description = "Per-tool rules: allow, ask or deny, with patterns where the last match wins.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Off: the rules are kept but decide nothing. (Keep this "
                + "line in the .cfg file: FileInstall reads a file whose only value starts with '{' as typed, and fails.)")
        boolean enabled() default true;

        @AttributeDefinition(name = "Rules", description = "A JSON object like OpenCode's permission setting, e.g. "
                + "{\"bash\": {\"*\": \"ask\", \"git status*\": \"allow\", \"rm *\": \"deny\"}, \"edit\": \"ask\"}. "
                + "Empty: no rules.")
        String rules() default "";
    }

    enum Action { ALLOW, ASK, DENY }

    /** One tool's rules: patterns in order (a single action is the pattern "*"), or why they cannot be read. */
    record ToolRules(LinkedHashMap<String, Action> patterns, String problem) {
    }

    /** Parsed rules by tool. */
    record Rules(Map<String, ToolRules> byTool, String problem) {

        static final Rules NONE = new Rules(Map.of(), null);

        /** Reads the OpenCode-style JSON object; a malformed one yields a problem that denies every call. */
        static Rules parse(String json) {
            if (json == null || json.isBlank()) {
                return NONE;
            }
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(json);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return new Rules(Map.of(), "the rules are not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (root == null || !root.isObject()) {
                return new Rules(Map.of(), "the rules must be a JSON object of tools");
            }
            Map<String, ToolRules> byTool = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> tools = root.fields(); tools.hasNext();) {
                Map.Entry<String, JsonNode> tool = tools.next();
                byTool.put(tool.getKey(), toolRules(tool.getKey(), tool.getValue()));
            }
            return new Rules(Map.copyOf(byTool), null);
        }

        private static ToolRules toolRules(String tool, JsonNode value) {
            LinkedHashMap<String, Action> patterns = new LinkedHashMap<>();
            if (value.isTextual()) {
                Action action = action(value.asText());
                if (action == null) {
                    return new ToolRules(patterns, "the action for " + tool + " must be allow, ask or deny");
                }
                patterns.put("*", action);
                return new ToolRules(patterns, null);
            }
            if (!value.isObject()) {
                return new ToolRules(patterns, "the rules for " + tool + " must be an action or an object of patterns");
            }
            for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext();) {
                Map.Entry<String, JsonNode> entry = entries.next();
                Action action = entry.getValue().isTextual() ? action(entry.getValue().asText()) : null;
                if (action == null) {
                    return new ToolRules(new LinkedHashMap<>(), "the action for " + tool + " '" + entry.getKey()
                            + "' must be allow, ask or deny");
                }
                patterns.put(entry.getKey(), action);
            }
            return new ToolRules(patterns, null);
        }

        private static Action action(String text) {
            try {
                return Action.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private volatile Rules rules;

    @Activate
    public CommandRulesPolicy(Config config) {
        this(config.enabled() ? Rules.parse(config.rules()) : Rules.NONE);
    }

    CommandRulesPolicy(Rules rules) {
        this.rules = rules;
        report(rules);
    }

    @Modified
    void modified(Config config) {
        Rules parsed = config.enabled() ? Rules.parse(config.rules()) : Rules.NONE;
        report(parsed);
        this.rules = parsed;
    }

    private static void report(Rules rules) {
        if (rules.problem() != null) {
            LOG.error("The command rules in etc/{}.cfg cannot be read: {}; every tool call is denied until they are fixed",
                    PID, rules.problem());
        }
        rules.byTool().forEach((tool, r) -> {
            if (r.problem() != null) {
                LOG.error("The command rules in etc/{}.cfg cannot be read: {}; every {} call is denied until they are fixed",
                        PID, r.problem(), tool);
            }
        });
    }

    @Override
    public PolicyAnswer evaluate(ToolGate.ToolRequest request) {
        Rules current = rules;
        ToolCall call = request.call();
        if (current.problem() != null) {
            return PolicyAnswer.deny(current.problem() + " (etc/" + PID + ".cfg)");
        }
        ToolRules toolRules = current.byTool().get(call.tool());
        if (toolRules == null) {
            return PolicyAnswer.abstain();
        }
        if (toolRules.problem() != null) {
            return PolicyAnswer.deny(toolRules.problem() + " (etc/" + PID + ".cfg)");
        }
        if (ToolCall.BASH.equals(call.tool())) {
            return bash(toolRules, call.command());
        }
        String subject = call.path() == null ? "" : ToolCalls.subject(call, Path.of(request.workspace()));
        Map.Entry<String, Action> rule = lastMatch(toolRules, pattern -> Wildcard.matches(pattern, subject));
        return rule == null ? PolicyAnswer.abstain() : answer(rule, call.tool() + " " + subject);
    }

    private static PolicyAnswer bash(ToolRules toolRules, String command) {
        List<CommandLine.Segment> segments = CommandLine.parse(command);
        PolicyAnswer ask = null;
        int allowed = 0;
        List<String> allowedBy = new ArrayList<>();
        for (CommandLine.Segment segment : segments) {
            Map.Entry<String, Action> rule = lastMatch(toolRules, segment::matches);
            if (rule == null) {
                continue;
            }
            String shown = ToolCalls.cut(segment.text(), 120);
            switch (rule.getValue()) {
                case DENY:
                    return answer(rule, shown);
                case ASK:
                    ask = ask == null ? answer(rule, shown) : ask;
                    break;
                default:
                    allowed++;
                    allowedBy.add("'" + rule.getKey() + "'");
            }
        }
        if (ask != null) {
            return ask;
        }
        if (!segments.isEmpty() && allowed == segments.size()) {
            return PolicyAnswer.allow("the command rule(s) " + String.join(", ", new java.util.LinkedHashSet<>(allowedBy))
                    + " allow it");
        }
        return PolicyAnswer.abstain();
    }

    private static Map.Entry<String, Action> lastMatch(ToolRules rules, java.util.function.Predicate<String> matches) {
        Map.Entry<String, Action> last = null;
        for (Map.Entry<String, Action> entry : rules.patterns().entrySet()) {
            if (matches.test(entry.getKey())) {
                last = entry;
            }
        }
        return last;
    }

    private static PolicyAnswer answer(Map.Entry<String, Action> rule, String what) {
        String reason = "the command rule '" + rule.getKey() + "' says " + rule.getValue().name().toLowerCase(Locale.ROOT)
                + " for " + what;
        return switch (rule.getValue()) {
            case ALLOW -> PolicyAnswer.allow(reason);
            case ASK -> PolicyAnswer.ask(reason);
            case DENY -> PolicyAnswer.deny(reason);
        };
    }
}
