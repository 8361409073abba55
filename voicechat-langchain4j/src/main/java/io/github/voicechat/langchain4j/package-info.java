/**
 * Language models as voices: {@link io.github.voicechat.langchain4j.LlmResponder} streams any LangChain4j
 * {@code StreamingChatModel} into a voicechat session, clause by clause, cancelled on barge-in, with the conversation
 * as the user heard it; {@link io.github.voicechat.langchain4j.OpenAiCompatible} builds models for OpenAI-compatible
 * servers. The {@code internal} package is not API.
 */
package io.github.voicechat.langchain4j;
