package io.github.voicechat.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClauseSplitterTest {

    private final ClauseSplitter splitter = new ClauseSplitter();
    private final List<String> clauses = new ArrayList<>();

    private void feed(String... tokens) {
        for (String t : tokens) {
            assertThat(splitter.append(t, clauses::add)).isTrue();
        }
    }

    @Test
    void aClauseIsReleasedOnceTheSpaceAfterItsPunctuationArrives() {
        feed("Yes", ".");
        assertThat(clauses).isEmpty(); // "Yes." might still become "Yes.5"
        feed(" It", " is", " 3", ".", "14", " exactly", "!");
        assertThat(clauses).containsExactly("Yes. ");
        feed(" Then", ":", " more", ";", " and", "...", " done", "?", "\n", "Next");
        assertThat(clauses).containsExactly("Yes. ", "It is 3.14 exactly! ", "Then: ", "more; ", "and... ",
                "done?\n");
        assertThat(splitter.drain()).isEqualTo("Next");
        assertThat(splitter.drain()).isEmpty();
    }

    @Test
    void commasDoNotCutBecauseTheSessionSynthesisesWholeClauses() {
        feed("Well", ",", " it", " depends", ",", " really", ".", " ");
        assertThat(clauses).containsExactly("Well, it depends, really. ");
    }

    @Test
    void aLineBreakEndsAClauseWhereTheSessionWouldCutIt() {
        feed("First line\nsecond line\n");
        assertThat(clauses).isEmpty(); // the session cuts at a line break only when whitespace follows it
        feed("\nThird");
        assertThat(clauses).containsExactly("First line\nsecond line\n\n");
        assertThat(splitter.drain()).isEqualTo("Third");
    }

    @Test
    void markdownMarksAreNotSpoken() {
        feed("## Answer\n\n", "This is **very** `important` and _new_ in snake_case. ");
        assertThat(clauses).containsExactly(" Answer\n\n", "This is very important and new in snake_case. ");
    }

    @Test
    void theConsumerCanStopTheSplitterAndClearDropsTheRest() {
        List<String> got = new ArrayList<>();
        assertThat(splitter.append("One. Two. Three", c -> {
            got.add(c);
            return false;
        })).isFalse();
        assertThat(got).containsExactly("One. ");
        splitter.clear();
        assertThat(splitter.drain()).isEmpty();
    }
}
