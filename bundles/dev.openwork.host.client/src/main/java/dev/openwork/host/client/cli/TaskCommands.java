package dev.openwork.host.client.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import dev.openwork.host.api.tasks.Task;
import dev.openwork.host.api.tasks.TaskEvent;
import dev.openwork.host.api.tasks.TaskRequest;
import dev.openwork.host.api.tasks.TaskState;
import dev.openwork.host.api.tasks.ToolCall;
import dev.openwork.host.client.CredentialStore;
import dev.openwork.host.client.HostClient;
import dev.openwork.host.client.HostClientException;
import dev.openwork.host.client.HostEventListener.CloseReason;
import dev.openwork.host.client.KnownHost;
import dev.openwork.host.client.TaskClient;
import dev.openwork.host.client.TaskFollower;
import dev.openwork.host.client.TaskListener;
import dev.openwork.host.client.cli.Args.UsageException;
import dev.openwork.host.client.internal.Json;
import dev.openwork.host.client.internal.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code owctl run}, {@code tasks}, {@code logs} and {@code cancel}: tasks on a paired host. */
final class TaskCommands {

    /** Longest --steps file read. */
    static final int MAX_STEPS_FILE = 4 * 1024 * 1024;
    /** Longest --timeout: a week. */
    static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

    private static final Pattern RUNTIME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final JavaType STEPS = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, ToolCall.class);

    private final Owctl owctl;
    private final Owctl.Prompt prompt;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean errIsTerminal;
    private final Path workingDirectory;

    TaskCommands(Owctl owctl, Owctl.Prompt prompt, PrintStream out, PrintStream err, boolean errIsTerminal,
            Path workingDirectory) {
        this.owctl = owctl;
        this.prompt = prompt;
        this.out = out;
        this.err = err;
        this.errIsTerminal = errIsTerminal;
        this.workingDirectory = workingDirectory;
    }

    // ---- run ------------------------------------------------------------------------------------

    int run(List<String> words) throws UsageException {
        int dash = words.indexOf("--");
        List<String> optionWords = dash < 0 ? words : words.subList(0, dash);
        List<String> command = dash < 0 ? List.of() : words.subList(dash + 1, words.size());
        Args args = Args.parse(optionWords, Set.of("--runtime", "--workspace", "--timeout", "--steps", "--host"),
                Set.of("--detach", "--help"), Map.of());
        if (!args.positionals.isEmpty()) {
            throw new UsageException("put the command after --, e.g. owctl run -- "
                    + Text.safe(String.join(" ", args.positionals), 60));
        }
        String runtime = args.option("--runtime") == null ? "shell" : args.option("--runtime").strip();
        if (!RUNTIME.matcher(runtime).matches()) {
            throw new UsageException("--runtime must be a runtime's name, e.g. shell");
        }
        Integer timeout = args.option("--timeout") == null ? null
                : args.intOption("--timeout", 1, MAX_TIMEOUT_SECONDS, 0);
        List<ToolCall> steps;
        if (args.option("--steps") != null) {
            if (!command.isEmpty()) {
                throw new UsageException("give either --steps FILE or a command after --, not both");
            }
            steps = readSteps(args.option("--steps"));
        } else {
            String line = String.join(" ", command).strip();
            if (line.isEmpty()) {
                throw new UsageException("run needs a command after -- (e.g. owctl run -- make test) or --steps FILE");
            }
            steps = List.of(ToolCall.bash(line));
        }
        String workspace = workspace(args.option("--workspace"));
        KnownHost host = host(args);
        HostClient client = HostClient.of(host);
        TaskClient tasks = client.tasks();
        Task task = tasks.submit(new TaskRequest(runtime, workspace, steps, null, timeout));
        if (args.flag("--detach")) {
            out.println(task.id());
            return Owctl.OK;
        }
        err.println("Task " + Text.safe(task.id(), 64) + " " + TaskClient.wireName(task.state()) + " on "
                + Text.safe(host.hostName(), 100) + " in " + Text.safe(task.workspace(), 300)
                + " (Ctrl-C stops following; the task keeps running).");
        return follow(client, task.id());
    }

    private List<ToolCall> readSteps(String file) throws UsageException {
        byte[] bytes;
        try {
            Path path = workingDirectory.resolve(file);
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_STEPS_FILE + 1);
            }
        } catch (InvalidPathException e) {
            throw new UsageException("--steps: '" + Text.safe(file, 200) + "' is not a file name");
        } catch (NoSuchFileException e) {
            throw new UsageException("--steps: there is no file " + Text.safe(file, 200));
        } catch (IOException e) {
            throw new UsageException("--steps: cannot read " + Text.safe(file, 200) + " ("
                    + Text.safe(String.valueOf(e.getMessage()), 200) + ")");
        }
        if (bytes.length > MAX_STEPS_FILE) {
            throw new UsageException("--steps: " + Text.safe(file, 200) + " is larger than " + MAX_STEPS_FILE + " bytes");
        }
        List<ToolCall> steps;
        try {
            steps = Json.MAPPER.readerFor(STEPS).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(bytes);
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--steps: " + Text.safe(file, 200) + " is not a JSON array of steps such as "
                    + "[{\"tool\":\"bash\",\"command\":\"make\"}]: " + Json.describe(e));
        }
        if (steps == null || steps.isEmpty()) {
            throw new UsageException("--steps: " + Text.safe(file, 200) + " holds no steps");
        }
        for (int i = 0; i < steps.size(); i++) {
            ToolCall step = steps.get(i);
            if (step == null || step.tool() == null || step.tool().isBlank()) {
                throw new UsageException("--steps: step " + (i + 1) + " of " + Text.safe(file, 200)
                        + " names no tool (bash, read, write or edit)");
            }
        }
        return steps;
    }

    /**
     * The workspace to send: the current directory's real path by default; a relative one against
     * the current directory; an absolute one as given (it may exist only on the host).
     */
    private String workspace(String given) throws UsageException {
        if (given == null) {
            return realOrAbsolute(workingDirectory);
        }
        if (given.isBlank()) {
            throw new UsageException("--workspace must be a directory");
        }
        Path path;
        try {
            path = Path.of(given);
        } catch (InvalidPathException e) {
            throw new UsageException("--workspace: '" + Text.safe(given, 200) + "' is not a path");
        }
        if (path.isAbsolute()) {
            return path.normalize().toString();
        }
        return realOrAbsolute(workingDirectory.resolve(path));
    }

    private static String realOrAbsolute(Path path) {
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize().toString();
        }
    }

    // ---- tasks ----------------------------------------------------------------------------------

    int tasks(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--state", "--limit", "--host"), Set.of("--help"), Map.of());
        args.expectPositionals(0, 0, "tasks takes only options (--state S, --limit N, --host HOST)");
        Set<TaskState> states = EnumSet.noneOf(TaskState.class);
        for (String name : args.listOption("--state")) {
            TaskState state = TaskClient.stateOf(name);
            if (state == null) {
                throw new UsageException("unknown state '" + Text.safe(name, 40) + "'; use " + stateNames());
            }
            states.add(state);
        }
        if (args.option("--state") != null && states.isEmpty()) {
            throw new UsageException("--state needs a state: " + stateNames());
        }
        int limit = args.intOption("--limit", 1, TaskClient.MAX_LIST_LIMIT, 20);
        KnownHost host = host(args);
        List<Task> list = HostClient.of(host).tasks().list(states, limit);
        if (list.isEmpty()) {
            out.println(states.isEmpty() ? "No tasks." : "No tasks in state " + String.join(", ", args.listOption("--state"))
                    .toLowerCase(java.util.Locale.ROOT) + ".");
            return Owctl.OK;
        }
        int idWidth = 2;
        int runtimeWidth = 7;
        for (Task t : list) {
            idWidth = Math.max(idWidth, Text.safe(t.id(), 64).length());
            runtimeWidth = Math.max(runtimeWidth, Text.safe(t.runtime(), 32).length());
        }
        String format = "%-" + idWidth + "s  %-18s  %-" + runtimeWidth + "s  %-19s  %s";
        out.println(String.format(format, "ID", "STATE", "RUNTIME", "CREATED", "SUMMARY").stripTrailing());
        for (Task t : list) {
            out.println(String.format(format, Text.safe(t.id(), 64), TaskClient.wireName(t.state()),
                    Text.safe(t.runtime(), 32), Owctl.time(t.createdAt()), Text.safe(t.summary(), 80)).stripTrailing());
        }
        return Owctl.OK;
    }

    private static String stateNames() {
        List<String> names = new ArrayList<>();
        for (TaskState state : TaskState.values()) {
            names.add(TaskClient.wireName(state));
        }
        return String.join(", ", names);
    }

    // ---- logs -----------------------------------------------------------------------------------

    int logs(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--host"), Set.of("--follow", "--help"), Map.of("-f", "--follow"));
        args.expectPositionals(1, 1, "logs needs one task id (owctl tasks lists them)");
        String taskId = args.positionals.get(0);
        KnownHost host = host(args);
        HostClient client = HostClient.of(host);
        TaskClient tasks = client.tasks();
        if (args.flag("--follow")) {
            return follow(client, taskId);
        }
        TaskPrinter printer = new TaskPrinter(out, err, false);
        try {
            tasks.readLog(taskId, 0, TaskClient.DEFAULT_LOG_LIMIT, printer::event);
        } catch (HostClientException e) {
            throw withListHint(e);
        }
        TaskEvent terminal = printer.terminal();
        if (terminal != null) {
            err.println(outcome(taskId, terminal.state(), terminal.exitCode(), terminal.text()));
        } else {
            err.println("Task " + Text.safe(taskId, 64) + " has not ended; owctl logs -f " + Text.safe(taskId, 64)
                    + " follows it.");
        }
        return Owctl.OK;
    }

    /**
     * Follows a task from its first event to its end: 0 when it succeeded, else 1. At a terminal,
     * permission questions are answered inline.
     */
    private int follow(HostClient client, String taskId) {
        TaskClient tasks = client.tasks();
        TaskPrinter printer = new TaskPrinter(out, err, errIsTerminal);
        InlineAnswers inline = prompt.interactive() ? new InlineAnswers(client.permissions(), prompt, printer, err) : null;
        printer.answersInline(inline != null);
        try {
            return follow(tasks, taskId, printer, inline);
        } finally {
            if (inline != null) {
                inline.close();
            }
        }
    }

    private int follow(TaskClient tasks, String taskId, TaskPrinter printer, InlineAnswers inline) {
        TaskFollower follower;
        try {
            follower = tasks.followTask(taskId, null, new TaskListener() {
                @Override
                public void onEvent(TaskEvent event) {
                    printer.event(event);
                    if (inline != null) {
                        inline.on(event);
                    }
                }

                @Override
                public void onOpen() {
                    printer.connected();
                }

                @Override
                public void onReconnecting(Duration delay, String cause) {
                    printer.reconnecting(cause);
                }
            });
        } catch (HostClientException e) {
            throw withListHint(e);
        }
        printer.live();
        Thread hook = new Thread(() -> {
            if (follower.end() == null) {
                follower.close();
                printer.stop();
                err.println("Stopped following " + Text.safe(taskId, 64) + "; it keeps running (owctl cancel "
                        + Text.safe(taskId, 64) + " stops it).");
            }
        }, "owctl-stop-following");
        boolean hooked = addShutdownHook(hook);
        TaskFollower.End end;
        try {
            end = follower.awaitEnd();
        } catch (InterruptedException e) {
            follower.close();
            printer.stop();
            Thread.currentThread().interrupt();
            return Owctl.FAILURE;
        } finally {
            if (hooked) {
                removeShutdownHook(hook);
            }
        }
        printer.stop();
        if (end.taskEnded()) {
            err.println(outcome(taskId, end.state(), end.exitCode(), end.summary()));
            return end.succeeded() ? Owctl.OK : Owctl.FAILURE;
        }
        if (end.reason() != CloseReason.CLOSED) {
            err.println("owctl: following task " + Text.safe(taskId, 64) + " stopped: " + Text.safe(end.message(), 300) + ".");
            if (end.reason() == CloseReason.CREDENTIAL_REJECTED) {
                err.println("  What to do: pair again (owctl pair), or ask the host's admin for the scope tasks:read.");
            } else {
                err.println("  What to do: owctl logs " + Text.safe(taskId, 64) + " shows what the task did so far.");
            }
        }
        return Owctl.FAILURE;
    }

    static String outcome(String taskId, TaskState state, Integer exitCode, String summary) {
        return "Task " + Text.safe(taskId, 64) + " " + (state == null ? "ended" : TaskClient.wireName(state))
                + (exitCode == null ? "" : " (exit " + exitCode + ")") + (summary == null ? "" : ": " + Text.safe(summary, 500));
    }

    private static boolean addShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | SecurityException e) {
            // shutting down already
        }
    }

    // ---- cancel ---------------------------------------------------------------------------------

    int cancel(List<String> words) throws UsageException {
        Args args = Args.parse(words, Set.of("--host"), Set.of("--help"), Map.of());
        args.expectPositionals(1, 1, "cancel needs one task id (owctl tasks lists them)");
        String taskId = args.positionals.get(0);
        KnownHost host = host(args);
        TaskClient tasks = HostClient.of(host).tasks();
        Task task;
        try {
            task = tasks.get(taskId); // the host answers a finished task unchanged: tell that case apart
            if (!task.state().isTerminal()) {
                task = tasks.cancel(taskId);
            } else {
                out.println("Task " + Text.safe(task.id(), 64) + " had already ended (" + TaskClient.wireName(task.state())
                        + "); nothing to cancel.");
                return Owctl.OK;
            }
        } catch (HostClientException e) {
            throw withListHint(e);
        }
        String id = Text.safe(task.id(), 64);
        if (task.state() == TaskState.CANCELLED) {
            out.println("Cancelled " + id + ".");
        } else if (task.state().isTerminal()) {
            out.println("Task " + id + " ended (" + TaskClient.wireName(task.state()) + ") before it could be cancelled.");
        } else {
            out.println("Cancelling " + id + ": the host is stopping it (owctl logs -f " + id + " shows when it has).");
        }
        return Owctl.OK;
    }

    // ---- shared ---------------------------------------------------------------------------------

    /** The host to talk to: --host, else the only paired one. */
    private KnownHost host(Args args) throws UsageException {
        List<KnownHost> targets = owctl.targets(CredentialStore.locate(owctl.env()), args.option("--host"));
        if (targets.size() != 1) {
            throw new UsageException("several hosts are paired: pick one with --host HOST (owctl hosts lists them)");
        }
        return targets.get(0);
    }

    /** An unknown task's error with the owctl way to list tasks as the action. */
    private static HostClientException withListHint(HostClientException e) {
        if (e.httpStatus() == 404 && "not_found".equals(e.hostErrorCode())) {
            return new HostClientException(e.kind(), e.getMessage(), "owctl tasks lists this device's tasks.", e.hostError(),
                    e.httpStatus(), e);
        }
        return e;
    }
}
