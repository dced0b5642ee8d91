package dev.openwork.host.permissions.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class WildcardTest {

    @Test
    public void starMatchesAnyTextAndQuestionMarkOneCharacter() {
        assertTrue(Wildcard.matches("git status*", "git status"));
        assertTrue(Wildcard.matches("git status*", "git status --short"));
        assertFalse(Wildcard.matches("git status*", "git stash"));
        assertTrue(Wildcard.matches("*", ""));
        assertTrue(Wildcard.matches("*.env", "config/prod.env"));
        assertTrue(Wildcard.matches("src/*", "src/a/b/c.js"));
        assertTrue(Wildcard.matches("id_?sa", "id_rsa"));
        assertFalse(Wildcard.matches("id_?sa", "id_ecdsa"));
        assertFalse(Wildcard.matches("rm *", "rmdir x"));
    }

    @Test
    public void aTrailingSpaceStarAlsoMatchesTheBareCommand() {
        assertTrue(Wildcard.matches("ls *", "ls"));
        assertTrue(Wildcard.matches("ls *", "ls -la"));
        assertFalse(Wildcard.matches("ls *", "lsof"));
    }

    @Test
    public void hostilePatternsStayFast() {
        String text = "a".repeat(5000) + "b";
        long start = System.nanoTime();
        assertFalse(Wildcard.matches("*a*a*a*a*a*a*a*a*a*a*c", text));
        assertTrue("linear-time matching, not backtracking blow-up", System.nanoTime() - start < 2_000_000_000L);
    }
}
