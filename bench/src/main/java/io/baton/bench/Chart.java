package io.baton.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Bar chart of the comparison with plain Java2D: throughput (linear scale) above, p99 latency
 * (logarithmic scale) below, one group of two bars (Baton, ZooKeeper) per workload row.
 */
final class Chart {
  /** One workload row: label lines under the group, and the two servers' figures. */
  record Group(List<String> label, double batonOps, double zkOps, double batonP99Ms, double zkP99Ms) {
  }

  static final Color BATON = new Color(0x1f77b4);
  static final Color ZK = new Color(0xff7f0e);
  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int GROUP_W = 64;
  private static final int PANEL_H = 330;
  private static final int LABEL_H = 58;

  private Chart() {
  }

  static void write(Path file, String title, String subtitle, List<Group> groups) throws IOException {
    int width = Math.max(1000, LEFT + RIGHT + groups.size() * GROUP_W);
    int top = 80;
    int height = top + 2 * (PANEL_H + LABEL_H + 40) + 10;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString(title, LEFT, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(subtitle, LEFT, 48);
    legend(g, width - RIGHT - 230, 20);

    int p1 = top + 20;
    panel(g, groups, p1, width, true);
    int p2 = p1 + PANEL_H + LABEL_H + 40;
    panel(g, groups, p2, width, false);
    g.dispose();
    ImageIO.write(img, "png", file.toFile());
  }

  private static void legend(Graphics2D g, int x, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(BATON);
    g.fillRect(x, y, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("Baton", x + 20, y + 12);
    g.setColor(ZK);
    g.fillRect(x + 90, y, 14, 14);
    g.setColor(Color.BLACK);
    g.drawString("ZooKeeper 3.9.5", x + 110, y + 12);
  }

  private static void panel(Graphics2D g, List<Group> groups, int y0, int width, boolean throughput) {
    int plotW = width - LEFT - RIGHT;
    int bottom = y0 + PANEL_H;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(throughput ? "Throughput (ops/s, higher is better)" : "p99 latency (ms, log scale, lower is better)",
        LEFT, y0 - 6);

    double max = 0;
    double min = Double.MAX_VALUE;
    for (Group gr : groups) {
      for (double v : throughput ? new double[] {gr.batonOps, gr.zkOps} : new double[] {gr.batonP99Ms, gr.zkP99Ms}) {
        if (v > 0 && Double.isFinite(v)) {
          max = Math.max(max, v);
          min = Math.min(min, v);
        }
      }
    }
    if (max == 0) {
      max = 1;
      min = 0.1;
    }
    // axis and grid
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    Scale scale;
    if (throughput) {
      double step = niceStep(max * 1.15 / 5);
      double top = Math.ceil(max * 1.15 / step) * step;
      scale = v -> bottom - (int) Math.round(v / top * PANEL_H);
      for (double t = 0; t <= top + step / 2; t += step) {
        grid(g, fm, scale.y(t), width, fmtCount(t));
      }
    } else {
      double lo = Math.pow(10, Math.floor(Math.log10(min)));
      double hi = Math.pow(10, Math.ceil(Math.log10(max * 1.3)));
      double llo = Math.log10(lo);
      double lhi = Math.log10(hi);
      scale = v -> bottom - (int) Math.round((Math.log10(Math.max(v, lo)) - llo) / (lhi - llo) * PANEL_H);
      for (double t = lo; t <= hi * 1.001; t *= 10) {
        grid(g, fm, scale.y(t), width, fmtMs(t));
        for (int k = 2; k < 10 && t < hi; k++) {
          int yy = scale.y(t * k);
          g.setColor(new Color(0xf0f0f0));
          g.drawLine(LEFT, yy, width - RIGHT, yy);
        }
      }
    }
    g.setColor(Color.BLACK);
    g.drawLine(LEFT, y0, LEFT, bottom);
    g.drawLine(LEFT, bottom, width - RIGHT, bottom);

    int gw = plotW / Math.max(1, groups.size());
    int barW = Math.max(6, (gw - 12) / 2);
    Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    for (int i = 0; i < groups.size(); i++) {
      Group gr = groups.get(i);
      int gx = LEFT + i * gw + (gw - 2 * barW) / 2;
      double[] vals = throughput ? new double[] {gr.batonOps, gr.zkOps} : new double[] {gr.batonP99Ms, gr.zkP99Ms};
      Color[] colors = {BATON, ZK};
      for (int b = 0; b < 2; b++) {
        int x = gx + b * barW;
        double v = vals[b];
        if (!(v > 0) || !Double.isFinite(v)) {
          g.setColor(Color.GRAY);
          g.setFont(valueFont);
          g.drawString("n/a", x + 2, bottom - 4);
          continue;
        }
        int y = scale.y(v);
        g.setColor(colors[b]);
        g.fillRect(x, y, barW - 1, bottom - y);
        // value, written upwards above the bar
        g.setColor(Color.DARK_GRAY);
        g.setFont(valueFont);
        String s = throughput ? fmtCount(v) : fmtMs(v);
        AffineTransform saved = g.getTransform();
        g.translate(x + barW / 2 + 4, y - 3);
        g.rotate(-Math.PI / 2);
        g.drawString(s, 0, 0);
        g.setTransform(saved);
      }
      // group labels
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics lm = g.getFontMetrics();
      int cx = LEFT + i * gw + gw / 2;
      int ly = bottom + 14;
      for (String line : gr.label) {
        g.drawString(line, cx - lm.stringWidth(line) / 2, ly);
        ly += 13;
      }
      if (i > 0 && !gr.label.get(gr.label.size() - 1).equals(groups.get(i - 1).label.get(gr.label.size() - 1))) {
        // the last label line changes (sync on / sync off): a dashed separator
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        g.drawLine(LEFT + i * gw, y0, LEFT + i * gw, bottom + LABEL_H - 10);
        g.setStroke(new BasicStroke(1f));
      }
    }
  }

  private interface Scale {
    int y(double v);
  }

  private static void grid(Graphics2D g, FontMetrics fm, int y, int width, String label) {
    g.setColor(new Color(0xdddddd));
    g.drawLine(LEFT, y, width - RIGHT, y);
    g.setColor(Color.BLACK);
    g.drawString(label, LEFT - 6 - fm.stringWidth(label), y + 4);
  }

  private static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }

  static String fmtCount(double v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1fM", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    }
    if (v >= 1_000) {
      return String.format(Locale.ROOT, "%.1fk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static String fmtMs(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
