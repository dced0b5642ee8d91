package dev.openwork.host.permissions.internal;

import dev.openwork.host.api.permissions.PolicyAnswer;
import dev.openwork.host.api.permissions.ToolPolicy;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.api.tasks.ToolGate;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The workspace jail: reading and writing inside the task's workspace is what the device's
 * workspace grant allows, so this policy has no opinion about it; a file tool that names a file
 * outside, or a bash command whose arguments or redirections name an existing path outside
 * ({@code cat /etc/passwd}, {@code > ../x}, {@code ~/.ssh}), is asked about, or denied when so
 * configured. System folders programs live in ({@code /usr}, {@code /bin}, ...) and {@code /dev/null}
 * are allowed outside by default. For bash this reads the literal command; a path computed at run
 * time is not seen.
 */
@Component(service = ToolPolicy.class, configurationPid = WorkspaceJailPolicy.PID,
        property = {ToolPolicy.NAME + "=" + WorkspaceJailPolicy.NAME, Constants.SERVICE_RANKING + ":Integer=200"})
@Designate(ocd = WorkspaceJailPolicy.Config.class)
public final class WorkspaceJailPolicy implements ToolPolicy {

    static final String PID = "dev.openwork.host.permissions.jail";
    static final String NAME = "workspace-jail";

    @ObjectClassDefinition(name = "OpenWork Host workspace jail",
            description = "What happens when a tool call reaches outside its task's workspace.")
    public @interface Config {
        @AttributeDefinition(name = "Outside the workspace", options = {@Option(label = "Ask", value = "ask"),
                @Option(label = "Deny", value = "deny")})
        String outside() default "ask";

        @AttributeDefinition(name = "Allowed outside", description = "Paths (and everything below them) that count as "
                + "inside: system folders and devices programs use. Comma-separated in a .cfg file.")
        String[] allowedOutside() default {"/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/tty",
            "/dev/zero", "/dev/random", "/dev/urandom", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/opt/homebrew"};

        @AttributeDefinition(name = "Check bash commands", description = "Look for paths outside the workspace in "
                + "the arguments and redirections of bash commands.")
        boolean checkCommands() default true;
    }

    /** The configuration, read once. */
    record Settings(boolean deny, List<Path> allowedOutside, boolean checkCommands) {
        static Settings of(Config config) {
            List<Path> allowed = new ArrayList<>();
            for (String item : ConfigLists.items(config.allowedOutside())) {
                try {
                    Path path = Path.of(item);
                    if (path.isAbsolute()) {
                        allowed.add(path.normalize());
                    }
                } catch (InvalidPathException e) {
                    // not a path: allows nothing
                }
            }
            return new Settings("deny".equals(config.outside().strip().toLowerCase(Locale.ROOT)), allowed,
                    config.checkCommands());
        }
    }

    private volatile Settings settings;

    @Activate
    public WorkspaceJailPolicy(Config config) {
        this(Settings.of(config));
    }

    WorkspaceJailPolicy(Settings settings) {
        this.settings = settings;
    }

    @Modified
    void modified(Config config) {
        this.settings = Settings.of(config);
    }

    @Override
    public PolicyAnswer evaluate(ToolGate.ToolRequest request) {
        Settings s = settings;
        Path workspace = Path.of(request.workspace());
        ToolCall call = request.call();
        if (ToolCalls.isFileTool(call)) {
            Path target = ToolCalls.resolve(call.path(), workspace);
            if (target == null) {
                return PolicyAnswer.deny("'" + call.path() + "' is not a valid path");
            }
            return inside(target, workspace, s) ? PolicyAnswer.abstain()
                    : outside(s, call.tool() + " " + target + " is outside the workspace " + workspace);
        }
        if (ToolCall.BASH.equals(call.tool()) && s.checkCommands()) {
            for (CommandLine.Segment segment : CommandLine.parse(call.command())) {
                List<String> candidates = new ArrayList<>();
                List<String> words = segment.commandWords();
                candidates.addAll(words.subList(Math.min(1, words.size()), words.size()));
                candidates.addAll(segment.redirects());
                for (String word : candidates) {
                    Path target = pathIn(word, workspace, segment.redirects().contains(word));
                    if (target != null && !inside(target, workspace, s)) {
                        return outside(s, "the command '" + ToolCalls.cut(segment.text(), 120) + "' reaches " + target
                                + ", outside the workspace " + workspace);
                    }
                }
            }
        }
        return PolicyAnswer.abstain();
    }

    private static PolicyAnswer outside(Settings s, String reason) {
        return s.deny() ? PolicyAnswer.deny(reason) : PolicyAnswer.ask(reason);
    }

    private static boolean inside(Path target, Path workspace, Settings s) {
        if (target.startsWith(workspace)) {
            return true;
        }
        for (Path allowed : s.allowedOutside()) {
            if (target.startsWith(allowed)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path a command word names, resolved, or {@code null} when it does not look like one: it
     * must start with {@code /}, {@code ~}, {@code ./} or {@code ../} (or be {@code ..}), possibly
     * after {@code --option=}, and it must exist, or its parent folder (other than {@code /}) must (a
     * redirection target counts in any case).
     */
    static Path pathIn(String word, Path workspace, boolean redirect) {
        String text = word;
        if (text.startsWith("-") && text.contains("=")) {
            text = text.substring(text.indexOf('=') + 1);
        }
        int glob = indexOfAny(text, "*?[");
        if (glob >= 0) {
            text = text.substring(0, glob);
            int slash = text.lastIndexOf('/');
            text = slash < 0 ? "" : text.substring(0, slash + 1);
        }
        boolean looksLikePath = text.startsWith("/") || text.equals("~") || text.startsWith("~/") || text.startsWith("./")
                || text.startsWith("../") || text.equals("..") || text.contains("/../") || text.endsWith("/..");
        if (!looksLikePath) {
            return null;
        }
        if (text.equals("~") || text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        Path target = ToolCalls.resolve(text, workspace);
        if (target == null) {
            return null;
        }
        Path parent = target.getParent();
        // a new file in an existing folder counts, but not one right under /: "/api/" is more often a pattern than a path
        boolean there = Files.exists(target) || (parent != null && parent.getNameCount() > 0 && Files.isDirectory(parent));
        return redirect || there ? target : null;
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
