// The words the core writes into what it stores: the decision record's methods, results and
// dissent, and the reaction round's topic, in the meeting's language (LanguageSet: "en" or "es";
// English otherwise). Written once, when the decision is recorded: the record's hash covers them,
// so a later change of wording never rewrites a record. Pure: the standard library only.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

using WordValues = std::initializer_list<std::pair<std::string_view, std::string>>;

// `text` with each "{name}" replaced by its value, in one pass (a value holding "{name}" is never
// filled again); an unknown name stays as written.
using FilledWords = std::vector<std::pair<std::string_view, std::string>>;
std::string fill_words(std::string_view text, const FilledWords& values);
std::string fill_words(std::string_view text, WordValues values);

// The record's words for `key` in `language`, filled in; a key with a count has ".one" and
// ".other" forms (record_count).
std::string record_words(std::string_view language, std::string_view key, WordValues values = {});
std::string record_count(std::string_view language, std::string_view key, std::size_t n, WordValues values = {});

// Every key, by language, for the test that the catalogues have the same keys and placeholders.
std::vector<std::pair<std::string_view, std::vector<std::pair<std::string_view, std::string_view>>>> record_catalogues();

}  // namespace everyvoice::core
