package io.github.voicechat.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * The soak's curves as a PNG, drawn with Java2D (headless, no plotting tool needed): heap after GC, live threads,
 * resident set and open file descriptors against conversation time, one panel each, with the warm-up shaded and the
 * +-5 % band around the median after it.
 */
final class SoakChart {

    private static final int WIDTH = 900;
    private static final int PANEL = 170;
    private static final int TOP = 40;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;

    private SoakChart() {
    }

    static void write(Path png, String title, List<SoakHarness.Sample> samples, double warmUpS, double limit)
            throws IOException {
        List<Metric> metrics = List.of(
                new Metric("heap after GC (MB)", SoakHarness.Sample::heapMb),
                new Metric("live threads", SoakHarness.Sample::threads),
                new Metric("VmRSS (MB)", SoakHarness.Sample::rssMb),
                new Metric("open fds", SoakHarness.Sample::fds));
        int height = TOP + metrics.size() * PANEL + 30;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title + " (shaded: warm-up; band: +-" + Math.round(limit * 100) + " % of the median after it)",
                LEFT, 24);
        double maxX = samples.stream().mapToDouble(SoakHarness.Sample::conversationS).max().orElse(1) / 60.0;
        for (int m = 0; m < metrics.size(); m++) {
            panel(g, metrics.get(m), samples, TOP + m * PANEL, Math.max(maxX, 1e-9), warmUpS / 60.0, limit,
                    m == metrics.size() - 1);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private record Metric(String name, ToDoubleFunction<SoakHarness.Sample> value) {
    }

    private static void panel(Graphics2D g, Metric metric, List<SoakHarness.Sample> samples, int top, double maxX,
            double warmUpMin, double limit, boolean xLabels) {
        int h = PANEL - 40;
        int w = WIDTH - LEFT - RIGHT;
        double[] steady = samples.stream().filter(s -> s.conversationS() / 60.0 >= warmUpMin)
                .mapToDouble(metric.value()).toArray();
        Arrays.sort(steady);
        double median = steady.length == 0 ? Double.NaN : steady[steady.length / 2];
        double lo = samples.stream().mapToDouble(metric.value()).min().orElse(0);
        double hi = samples.stream().mapToDouble(metric.value()).max().orElse(1);
        if (!Double.isNaN(median)) {
            lo = Math.min(lo, median * (1 - 2 * limit));
            hi = Math.max(hi, median * (1 + 2 * limit));
        }
        lo = Math.max(0, lo);
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        final double yLo = lo;
        final double yHi = hi;
        java.util.function.DoubleUnaryOperator y = v -> top + h - (v - yLo) / (yHi - yLo) * h;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + v / maxX * w;

        g.setColor(new Color(235, 235, 235));
        g.fillRect(LEFT, top, (int) (x.applyAsDouble(Math.min(warmUpMin, maxX)) - LEFT), h);
        if (!Double.isNaN(median)) {
            g.setColor(new Color(200, 230, 200));
            int bandTop = (int) y.applyAsDouble(median * (1 + limit));
            int bandBottom = (int) y.applyAsDouble(median * (1 - limit));
            int x0 = (int) x.applyAsDouble(Math.min(warmUpMin, maxX));
            g.fillRect(x0, bandTop, LEFT + w - x0, bandBottom - bandTop);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, top, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 4; i++) {
            double v = yLo + (yHi - yLo) * i / 4;
            int py = (int) y.applyAsDouble(v);
            g.drawLine(LEFT - 4, py, LEFT, py);
            g.drawString(String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v), 8, py + 4);
        }
        if (xLabels) {
            for (int i = 0; i <= 6; i++) {
                double v = maxX * i / 6;
                int px = (int) x.applyAsDouble(v);
                g.drawLine(px, top + h, px, top + h + 4);
                g.drawString(String.format(Locale.ROOT, "%.1f", v), px - 10, top + h + 16);
            }
            g.drawString("conversation time reached by every session (minutes)", LEFT + w / 2 - 150, top + h + 30);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(metric.name(), LEFT + 6, top + 14);
        Path2D line = new Path2D.Double();
        boolean first = true;
        for (SoakHarness.Sample s : samples) {
            double px = x.applyAsDouble(s.conversationS() / 60.0);
            double py = y.applyAsDouble(metric.value().applyAsDouble(s));
            if (first) {
                line.moveTo(px, py);
                first = false;
            } else {
                line.lineTo(px, py);
            }
        }
        g.setColor(new Color(30, 90, 200));
        g.setStroke(new BasicStroke(1.8f));
        g.draw(line);
        g.setStroke(new BasicStroke(1f));
    }
}
