package dev.openwork.host.pairing.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;
import org.junit.Test;

public class PairingCodesTest {

    @Test
    public void trivialCodesAreRecognised() {
        for (String code : new String[] {"00000000", "11111111", "12345678", "87654321", "89012345", "12121212",
                "12341234", "11112222", "12344321", "98765432"}) {
            assertTrue(code, PairingCodes.isTrivial(code));
        }
        for (String code : new String[] {"31415926", "27182818", "80417263"}) {
            assertFalse(code, PairingCodes.isTrivial(code));
        }
    }

    @Test
    public void generatedCodesAreEightNonTrivialDigits() {
        PairingCodes codes = new PairingCodes(new SecureRandom());
        for (int i = 0; i < 2000; i++) {
            String code = codes.next();
            assertEquals(8, code.length());
            assertTrue(code.chars().allMatch(Character::isDigit));
            assertFalse(PairingCodes.isTrivial(code));
        }
    }
}
