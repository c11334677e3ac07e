#include "core/record_words.hpp"

#include <algorithm>
#include <vector>

namespace everyvoice::core {
namespace {

using Catalogue = std::vector<std::pair<std::string_view, std::string_view>>;

// English: exactly what the record said before languages (stored records and the pinned format
// test depend on these bytes).
const Catalogue english{
    {"someone", "someone"},
    {"topic.reactions", "Reactions: "},
    {"method.consent_round", "consent round (version {version})"},
    {"result.adopted", "adopted: {summary}"},
    {"result.not_adopted", "not adopted: {summary}"},
    {"result.withdrawn", "withdrawn"},
    {"result.with_reason", "{result} ({reason})"},
    {"summary", "{consent} consent, {concern} concern, {objection} objection, {stand_aside} stand aside"},
    {"dissent.concern", "{name} (concern): {text}"},
    {"dissent.stood_aside", "{name} stood aside"},
    {"dissent.objection", "{name} (objection): {text}"},
    {"reason.meeting_ended", "the meeting ended"},
    {"agreement.adopted_title", "Agreement item adopted"},
    {"group.review_item", "Review: {title} (decided {decided}, review by {review_date})"},
    {"agreement.removed_title", "Agreement item removed"},
    {"method.quick_check", "quick consent check"},
    {"agreement.adopted", "adopted into the working together agreement"},
    {"agreement.removed", "removed from the working together agreement"},
    {"method.poll_named", "poll ({kind}, named)"},
    {"method.poll_anonymous", "poll ({kind}, anonymous)"},
    {"kind.single_choice", "single_choice"},
    {"kind.multiple_choice", "multiple_choice"},
    {"kind.scale", "scale"},
    {"kind.ranked_choice", "ranked_choice"},
    {"kind.open_text", "open_text"},
    {"votes_for.one", "{count} vote for {option}"},
    {"votes_for.other", "{count} votes for {option}"},
    {"result.withheld", "withheld: {voters} voted, fewer than the {needed} needed to show an anonymous result"},
    {"result.choice", "{option}: {votes} of {voters}"},
    {"result.tie", "no single option won (a tie or no votes)"},
    {"result.ranked", "{option} won by instant runoff after {rounds}, of {voters}"},
    {"result.ranked_none", "no winner by instant runoff (a tie or no votes)"},
    {"result.scale", "mean {mean} on {min} to {max}, of {voters}"},
    {"result.answers", "{count} answers"},
    {"voters.one", "{count} voter"},
    {"voters.other", "{count} voters"},
    {"rounds.one", "{count} round"},
    {"rounds.other", "{count} rounds"},
};

const Catalogue spanish{
    {"someone", "alguien"},
    {"topic.reactions", "Reacciones: "},
    {"method.consent_round", "ronda de consentimiento (versión {version})"},
    {"result.adopted", "adoptada: {summary}"},
    {"result.not_adopted", "no adoptada: {summary}"},
    {"result.withdrawn", "retirada"},
    {"result.with_reason", "{result} ({reason})"},
    {"summary", "consentimiento: {consent}, preocupación: {concern}, objeción: {objection}, a un lado: {stand_aside}"},
    {"dissent.concern", "{name} (preocupación): {text}"},
    {"dissent.stood_aside", "{name} se hizo a un lado"},
    {"dissent.objection", "{name} (objeción): {text}"},
    {"reason.meeting_ended", "terminó la reunión"},
    {"agreement.adopted_title", "Punto del acuerdo adoptado"},
    {"group.review_item", "Revisión: {title} (decidido el {decided}, revisar antes del {review_date})"},
    {"agreement.removed_title", "Punto del acuerdo retirado"},
    {"method.quick_check", "comprobación rápida de consentimiento"},
    {"agreement.adopted", "incorporado al acuerdo para trabajar juntos"},
    {"agreement.removed", "retirado del acuerdo para trabajar juntos"},
    {"method.poll_named", "encuesta ({kind}, con nombre)"},
    {"method.poll_anonymous", "encuesta ({kind}, anónima)"},
    {"kind.single_choice", "una opción"},
    {"kind.multiple_choice", "varias opciones"},
    {"kind.scale", "escala"},
    {"kind.ranked_choice", "por orden de preferencia"},
    {"kind.open_text", "respuestas abiertas"},
    {"votes_for.one", "{count} voto para {option}"},
    {"votes_for.other", "{count} votos para {option}"},
    {"result.withheld", "sin mostrar: votaron {voters}, menos de las {needed} necesarias para mostrar un resultado anónimo"},
    {"result.choice", "{option}: {votes} de {voters}"},
    {"result.tie", "ninguna opción ganó sola (empate o sin votos)"},
    {"result.ranked", "{option} ganó por segunda vuelta instantánea tras {rounds}, de {voters}"},
    {"result.ranked_none", "nadie ganó por segunda vuelta instantánea (empate o sin votos)"},
    {"result.scale", "media de {mean} en una escala de {min} a {max}, de {voters}"},
    {"result.answers", "{count} respuestas"},
    {"voters.one", "{count} votante"},
    {"voters.other", "{count} votantes"},
    {"rounds.one", "{count} ronda"},
    {"rounds.other", "{count} rondas"},
};

const Catalogue& catalogue(std::string_view language) { return language == "es" ? spanish : english; }

std::string_view lookup(std::string_view language, std::string_view key) {
  for (const Catalogue* c : {&catalogue(language), &english}) {
    const auto it = std::find_if(c->begin(), c->end(), [&](const auto& kv) { return kv.first == key; });
    if (it != c->end()) return it->second;
  }
  return key;
}

}  // namespace

std::string fill_words(std::string_view text, const FilledWords& values) {
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t end = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    const auto value = end == std::string_view::npos
                           ? values.end()
                           : std::find_if(values.begin(), values.end(),
                                          [&](const auto& v) { return v.first == text.substr(i + 1, end - i - 1); });
    if (value == values.end()) {
      out.push_back(text[i]);
    } else {
      out += value->second;
      i = end;
    }
  }
  return out;
}

std::string fill_words(std::string_view text, WordValues values) { return fill_words(text, FilledWords(values)); }

std::string record_words(std::string_view language, std::string_view key, WordValues values) {
  return fill_words(lookup(language, key), FilledWords(values));
}

std::string record_count(std::string_view language, std::string_view key, std::size_t n, WordValues values) {
  FilledWords all{{"count", std::to_string(n)}};
  all.insert(all.end(), values.begin(), values.end());
  return fill_words(lookup(language, std::string(key) + (n == 1 ? ".one" : ".other")), all);
}

std::vector<std::pair<std::string_view, std::vector<std::pair<std::string_view, std::string_view>>>> record_catalogues() {
  return {{"en", english}, {"es", spanish}};
}

}  // namespace everyvoice::core
