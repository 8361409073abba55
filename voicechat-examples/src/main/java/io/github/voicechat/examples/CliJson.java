package io.github.voicechat.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Every JSON the command line prints or writes, through Jackson: records in, snake_case keys out, two-space
 * indentation, one value per output followed by a newline. Numbers that are not finite become {@code null} and the
 * others are rounded to a millisecond or a thousandth ({@link #num}), so a shape never changes with the data.
 */
final class CliJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    /** {@code "key": value}, and array elements on lines of their own, as most tools print JSON. */
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private CliJson() {
    }

    static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prints {@code value} as the whole of a command's stdout. */
    static void print(PrintStream out, Object value) {
        out.print(write(value));
        out.flush();
    }

    /** {@code v} rounded to 3 decimals, or null when it is NaN or infinite. */
    static Double num(double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_EVEN).doubleValue();
    }
}
