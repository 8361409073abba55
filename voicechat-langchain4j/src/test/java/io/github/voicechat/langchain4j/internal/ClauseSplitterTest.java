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
    void aClauseIsReleasedOnceTheCharacterAfterItsEndArrives() {
        feed("Yes", ".");
        assertThat(clauses).isEmpty(); // "Yes." might still become "Yes.5"
        feed(" It", " is", " 3", ".", "14", " exactly", "!");
        assertThat(clauses).containsExactly("Yes. ");
        feed(" Ask", " Dr", ".", " Smith", ";", " then", ":", " done", "?", " Next");
        // The session's own rule: "Dr." ends nothing; a clause goes out with the space that tells it is complete.
        assertThat(clauses).containsExactly("Yes. ", "It is 3.14 exactly! ", "Ask Dr. Smith; ", "then: ", "done? ");
        assertThat(splitter.drain()).isEqualTo("Next");
        assertThat(splitter.drain()).isEmpty();
    }

    @Test
    void commasDoNotCutBecauseTheSessionSynthesisesWholeSentences() {
        feed("Well", ",", " it", " depends", ",", " really", ".", " ");
        assertThat(clauses).containsExactly("Well, it depends, really. ");
    }

    @Test
    void aLineBreakEndsAClause() {
        feed("First line\nsecond");
        assertThat(clauses).containsExactly("First line\n");
        assertThat(splitter.drain()).isEqualTo("second");
    }

    @Test
    void markdownMarksAreNotSpoken() {
        feed("## Answer\n", "This is **very** `important` and _new_ in snake_case. ");
        assertThat(clauses).containsExactly("Answer\n", "This is very important and new in snake_case. ");
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
