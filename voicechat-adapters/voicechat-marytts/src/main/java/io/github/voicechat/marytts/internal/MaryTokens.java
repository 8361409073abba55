package io.github.voicechat.marytts.internal;

import io.github.voicechat.spi.TextSplitter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Our own tokeniser and the TOKENS-level MaryXML built from it. MaryTTS's tokeniser (JTok) lives in jtok-core, which
 * is not in Maven Central; given MaryXML tokens MaryTTS starts at its preprocessing step (numbers, abbreviations)
 * and never needs it.
 *
 * <p>Rules, close to JTok's for English: tokens are separated by whitespace; punctuation at either end of a word is
 * a token of its own ({@code "Hello,} → {@code "}, {@code Hello}, {@code ,}), except a final period of an
 * abbreviation ({@code Dr.}, {@code U.S.}), which MaryTTS's preprocessor expands; punctuation inside a word stays
 * ({@code don't}, {@code 3.5}, {@code e-mail}).
 *
 * <p>The document is built with the DOM, so {@code <}, {@code &} and quotes in the text are escaped by the
 * serialiser; characters XML cannot carry never get here ({@code TextChunker.clean} made them spaces).
 */
public final class MaryTokens {

    public static final String MARYXML_NS = "http://mary.dfki.de/2002/MaryXML";
    private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

    /** A token: characters {@code [start, end)} of the text. */
    public record Token(int start, int end) {
    }

    private MaryTokens() {
    }

    /** The tokens of {@code text[from, to)}, offsets into {@code text}. */
    public static List<Token> tokenize(String text, int from, int to) {
        List<Token> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            while (i < to && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < to && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (start < i) {
                split(text, start, i, out);
            }
        }
        return out;
    }

    private static void split(String text, int start, int end, List<Token> out) {
        int s = start;
        while (s < end && !Character.isLetterOrDigit(text.charAt(s))) {
            out.add(new Token(s, s + 1));
            s++;
        }
        if (s == end) {
            return;
        }
        int e = end;
        while (!Character.isLetterOrDigit(text.charAt(e - 1))) {
            e--;
        }
        if (e < end && text.charAt(e) == '.' && isAbbreviation(text.substring(s, e))) {
            e++;
        }
        out.add(new Token(s, e));
        for (int k = e; k < end; k++) {
            out.add(new Token(k, k + 1));
        }
    }

    /**
     * Whether MaryTTS reads the word before a period as an abbreviation within its sentence ({@code Dr},
     * {@code e.g}): the rule that also keeps such a period from ending a phrase ({@link TextSplitter}).
     */
    public static boolean isAbbreviation(String word) {
        return TextSplitter.isAbbreviation(word);
    }

    /** Whether the token has a letter or a digit (something MaryTTS says, rather than punctuation). */
    public static boolean isWord(String text, Token t) {
        for (int i = t.start(); i < t.end(); i++) {
            if (Character.isLetterOrDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** One paragraph with one sentence holding {@code tokens}: MaryXML at the TOKENS level, en-US. */
    public static Document document(String text, List<Token> tokens) {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc;
        try {
            doc = f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("no XML document builder", e);
        }
        Element root = doc.createElementNS(MARYXML_NS, "maryxml");
        root.setAttribute("version", "0.5");
        root.setAttributeNS(XML_NS, "xml:lang", "en-US");
        doc.appendChild(root);
        Element p = doc.createElementNS(MARYXML_NS, "p");
        root.appendChild(p);
        Element s = doc.createElementNS(MARYXML_NS, "s");
        p.appendChild(s);
        for (Token t : tokens) {
            Element e = doc.createElementNS(MARYXML_NS, "t");
            e.setTextContent(text.substring(t.start(), t.end()));
            s.appendChild(e);
        }
        return doc;
    }
}
