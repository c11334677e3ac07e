// The words of the written minutes, in each language the server writes them in (a meeting's
// language: LanguageSet, given by the creator's page). One catalogue per language, with the same
// keys; "{name}" marks where a value goes, and a key with a count has a ".one" and an ".other" form.
// What people typed and what the decision record holds are quoted as they were written.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace everyvoice::codec {

// Whether the server writes minutes in `language` ("en", "es").
bool minutes_language(std::string_view language);
// The languages, for an error message: "\"en\" or \"es\"".
std::string minutes_languages_list();

class MinutesWords {
 public:
  // English for a language the server does not write in (a meeting stored before languages).
  explicit MinutesWords(std::string_view language);

  using Values = std::initializer_list<std::pair<std::string_view, std::string>>;
  // The words for `key`, each {name} replaced by its value.
  std::string operator()(std::string_view key, Values values = {}) const;
  // The ".one" or ".other" form of `key` for `n`, with {count} and `values` filled in.
  std::string count(std::string_view key, std::size_t n, Values values = {}) const;
  // "Ana", "Ana and Ben", "Ana, Ben and Chloé" (y, in Spanish).
  std::string list(const std::vector<std::string>& names) const;
  // A calendar day and month: "1 December 2026", "1 de diciembre de 2026".
  std::string day(int day, int month, int year) const;
  std::string percent(double share) const;

 private:
  std::string_view text(std::string_view key) const;
  const std::map<std::string_view, std::string_view>* words_;
};

// Every catalogue by language, for the test that they have the same keys and placeholders.
const std::map<std::string_view, const std::map<std::string_view, std::string_view>*>& minutes_catalogues();

}  // namespace everyvoice::codec
