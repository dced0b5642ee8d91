package dev.openwork.host.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.Test;

public class QrCodesTest {

    private static final String LINK = "openwork-host://192.168.1.20:4748?fp=" + "3f9a".repeat(16) + "&code=48301957";

    @Test
    public void thePngDecodesBackToTheLink() throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(new QrCodes().png(LINK, 4)));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)));
        assertEquals(LINK, new QRCodeReader().decode(bitmap).getText());
    }

    @Test
    public void theTerminalArtShowsEveryModule() {
        BitMatrix matrix = QrCodes.matrix(LINK);
        String[] rows = new QrCodes().terminalArt(LINK).split("\n");
        assertEquals((matrix.getHeight() + 1) / 2, rows.length);
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                char cell = rows[y / 2].charAt(x);
                boolean upperHalf = y % 2 == 0;
                // light background: a dark module leaves its half of the cell blank
                boolean drawnLight = upperHalf ? (cell == '\u2588' || cell == '\u2580') : (cell == '\u2588' || cell == '\u2584');
                assertEquals("module " + x + "," + y, matrix.get(x, y), !drawnLight);
            }
        }
    }

    @Test
    public void theSvgHasOneSquarePerDarkModule() {
        BitMatrix matrix = QrCodes.matrix(LINK);
        int dark = 0;
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                dark += matrix.get(x, y) ? 1 : 0;
            }
        }
        String svg = new QrCodes().svg(LINK);
        assertTrue(svg.startsWith("<svg"));
        assertEquals(dark, svg.split("h1v1h-1z", -1).length - 1);
    }
}
