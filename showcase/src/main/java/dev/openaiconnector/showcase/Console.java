package dev.openaiconnector.showcase;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the tour for a person: a heading per step, then labelled fields ({@code asked}, {@code
 * got}, {@code tokens}) with their text wrapped and indented under the label.
 */
final class Console {
  private static final int LABEL_WIDTH = 8;
  private static final String INDENT = " ".repeat(2 + LABEL_WIDTH);
  private static final int WIDTH = 100;

  private final PrintStream out;
  private boolean midLine;

  Console(PrintStream out) {
    this.out = out;
  }

  /** Prints a line as it is. */
  void line(String text) {
    endLine();
    out.println(text);
  }

  /** Prints an empty line. */
  void blank() {
    line("");
  }

  /** Prints a labelled field; the text is wrapped, and its lines are indented under the label. */
  void field(String label, String text) {
    endLine();
    List<String> lines = wrap(text, WIDTH - INDENT.length());
    out.println("  " + pad(label) + lines.get(0));
    for (int i = 1; i < lines.size(); i++) {
      out.println(lines.get(i).isEmpty() ? "" : INDENT + lines.get(i));
    }
  }

  /** Prints a line of a table under a label, as it is: neither wrapped nor respaced. */
  void row(String label, String text) {
    endLine();
    out.println("  " + pad(label) + text);
  }

  /** Prints more lines of the field above, indented under its text. */
  void more(String text) {
    field("", text);
  }

  /** Starts a field whose text arrives in pieces, as a stream's does; see {@link #piece}. */
  void startPieces(String label) {
    endLine();
    out.print("  " + pad(label));
    out.flush();
    midLine = true;
  }

  /** Prints a piece of the current field's text at once, keeping its line breaks indented. */
  void piece(String text) {
    out.print(text.replace("\n", System.lineSeparator() + INDENT));
    out.flush();
  }

  private void endLine() {
    if (midLine) {
      out.println();
      midLine = false;
    }
  }

  private static String pad(String label) {
    return label.length() >= LABEL_WIDTH
        ? label + " "
        : label + " ".repeat(LABEL_WIDTH - label.length());
  }

  // Wraps at spaces; a word longer than the width stays whole. Line breaks in the text are kept.
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.strip().split("\\R", -1)) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.strip().split(" +")) {
        if (line.length() > 0 && line.length() + 1 + word.length() > width) {
          lines.add(line.toString());
          line.setLength(0);
        }
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(word);
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
