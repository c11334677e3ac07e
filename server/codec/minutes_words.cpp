#include "codec/minutes_words.hpp"

#include "core/record_words.hpp"

#include <algorithm>
#include <cstdio>

namespace everyvoice::codec {
namespace {

using Catalogue = std::map<std::string_view, std::string_view>;

const Catalogue english{
    {"month.1", "January"}, {"month.2", "February"}, {"month.3", "March"}, {"month.4", "April"},
    {"month.5", "May"}, {"month.6", "June"}, {"month.7", "July"}, {"month.8", "August"},
    {"month.9", "September"}, {"month.10", "October"}, {"month.11", "November"}, {"month.12", "December"},
    {"date.day", "{day} {month} {year}"},
    {"date.moment", "{date}, {time}"},
    {"list.and", " and "},
    {"percent", "{n}%"},
    {"time.utc", "Times are UTC."},
    {"time.offset", "Times are {offset}."},
    {"time.zone", "Times are {zone} time ({offset})."},
    {"head.code", "Minutes of the meeting {code} on {day}."},
    {"head.ended", "Started {start}, ended {end}."},
    {"head.running", "Started {start}; still running when these minutes were made, at {now}."},
    {"head.not_started", "Still running when these minutes were made, at {now}."},
    {"head.prepared", "Being prepared, not started yet, when these minutes were made, at {now}."},
    {"head.never_started", "Ended without being started."},
    {"someone", "someone (anonymous)"},
    {"nobody", "nobody"},
    {"where.in_room", "in the room"},
    {"where.remote", "remote"},
    {"section.people", "People"},
    {"people.facilitated", "Facilitated by {names}"},
    {"people.co_facilitator", "{name} (co-facilitator)"},
    {"people.in_room", "In the room: {names}"},
    {"people.remote", "Remote: {names}"},
    {"people.proxies", "Taking part through a facilitator (proxy): {names}"},
    {"people.removed", "Removed during the meeting: {names}"},
    {"people.roles", "Roles, from the group's offers: {roles}"},
    {"role.note_taker", "{name} takes notes"},
    {"role.timekeeper", "{name} keeps time"},
    {"role.greeter", "{name} welcomes people"},
    {"section.agenda", "Agenda"},
    {"agenda.item", "{id}. {title}: {used} used"},
    {"agenda.item_planned", "{id}. {title}: {used} used of {minutes} min planned"},
    {"agenda.current", "{item} (current)"},
    {"section.decisions", "Decisions"},
    {"decisions.none", "No decisions were recorded."},
    {"decision.heading", "Decision {id}: {title}"},
    {"decision.how", "Decided by {method}, {day} at {time}: {result}."},
    {"decision.present", "Present: {people}."},
    {"decision.present_names", "Present: {people} ({names})."},
    {"people.one", "{count} person"},
    {"people.other", "{count} people"},
    {"decision.dissent", "Not with it: {text}"},
    {"decision.review", "To be reviewed by {date}."},
    {"decision.check", "Record check: {hash}"},
    {"record.broken", "The record of decisions is BROKEN: it was changed after it was written."},
    {"record.intact", "The record of decisions is intact (each entry is chained to the one before)."},
    {"section.proposals", "Proposals, step by step"},
    {"proposal.heading", "Proposal {id}: {title}"},
    {"proposal.outcome", "Outcome: {outcome}."},
    {"proposal.outcome_reason", "Outcome: {outcome} ({reason})."},
    {"outcome.clarifying", "still open (clarifying questions)"},
    {"outcome.reactions", "still open (reactions)"},
    {"outcome.consent", "still open (asking for consent)"},
    {"outcome.adopted", "adopted"},
    {"outcome.not_adopted", "not adopted"},
    {"outcome.withdrawn", "withdrawn"},
    {"proposal.version", "Version {n}: {text}"},
    {"proposal.version_last", "Version {n} (the last): {text}"},
    {"proposal.version_titled", "Version {n}, titled \"{title}\": {text}"},
    {"proposal.version_last_titled", "Version {n} (the last), titled \"{title}\": {text}"},
    {"objection.open", "Objection by {name} to version {n}: {reason}. Still open."},
    {"objection.withdrawn", "Objection by {name} to version {n}: {reason}. Withdrawn by {name}."},
    {"objection.amended", "Objection by {name} to version {n}: {reason}. Answered by amending the proposal (version {next})."},
    {"objection.amended_then", "Objection by {name} to version {n}: {reason}. Answered by amending the proposal (version {next}); {name} then {answer}."},
    {"objection.amended_then_said", "Objection by {name} to version {n}: {reason}. Answered by amending the proposal (version {next}); {name} then {answer}: {text}."},
    {"objection.amended_silent", "Objection by {name} to version {n}: {reason}. Answered by amending the proposal (version {next}); {name} did not answer the new version."},
    {"objection.closed", "Objection by {name} to version {n}: {reason}. Never resolved: the proposal ended with it open."},
    {"answer.consent", "consents"},
    {"answer.concern", "consents with a concern"},
    {"answer.objection", "objects"},
    {"answer.stand_aside", "stands aside"},
    {"answers.consent", "consent"},
    {"answers.concern", "consent with concerns"},
    {"answers.objection", "object"},
    {"answers.stand_aside", "stand aside"},
    {"answers.line", "Answers to version {n}: {groups}."},
    {"answers.group", "{names} {answer}"},
    {"answers.said", "{name} ({text})"},
    {"section.polls", "Polls"},
    {"polls.none", "No polls."},
    {"poll.named", "{question} ({kind}, named): {result}"},
    {"poll.anonymous", "{question} ({kind}, anonymous): {result}"},
    {"poll_kind.single_choice", "one choice"},
    {"poll_kind.multiple_choice", "several choices"},
    {"poll_kind.scale", "a scale"},
    {"poll_kind.ranked_choice", "ranked choice"},
    {"poll_kind.open_text", "open answers"},
    {"poll.cancelled", "cancelled."},
    {"poll.open", "still open, {voted} of {eligible} had voted."},
    {"result.withheld", "withheld: {voters} voted, fewer than the {needed} needed to show an anonymous result."},
    {"result.choice", "{option}: {votes} of {voters}."},
    {"result.tie", "no single option won (a tie or no votes)."},
    {"result.ranked", "{option} won by instant runoff after {rounds}, of {voters}."},
    {"result.ranked_none", "no winner by instant runoff (a tie or no votes)."},
    {"result.scale", "mean {mean} on {min} to {max}, of {voters}."},
    {"voters.one", "{count} voter"},
    {"voters.other", "{count} voters"},
    {"rounds.one", "{count} round"},
    {"rounds.other", "{count} rounds"},
    {"answers_count.one", "{count} answer."},
    {"answers_count.other", "{count} answers."},
    {"section.rounds", "Go-rounds"},
    {"round.heading", "Go-round {n}."},
    {"round.heading_topic", "Go-round {n}: {topic}."},
    {"round.spoke", "Spoke: {names}."},
    {"round.passed", "Passed: {names}."},
    {"round.skipped", "Skipped: {names}."},
    {"round.running", "Still running."},
    {"round.ended_early", "Ended early."},
    {"section.agreement", "Working together agreement"},
    {"agreement.none", "Nothing adopted yet."},
    {"section.points_done", "Written points taken up or answered"},
    {"section.points_open", "Written points still open"},
    {"points.none", "None."},
    {"point.point", "Point: {text} ({upvotes})"},
    {"point.question", "Question: {text} ({upvotes})"},
    {"upvotes.one", "{count} upvote"},
    {"upvotes.other", "{count} upvotes"},
    {"points.pending.one", "{count} written point still waited for a facilitator's approval."},
    {"points.pending.other", "{count} written points still waited for a facilitator's approval."},
    {"section.floor", "How the floor was shared"},
    {"turns.one", "{count} turn"},
    {"turns.other", "{count} turns"},
    {"floor.person", "{name} ({where}): {turns}, {spoken} ({share} of speaking time)"},
    {"floor.quiet", "Did not speak: {names}."},
    {"floor.balance", "In the room: {room_people} of the people, {room_speaking} of the speaking time. Remote: {remote_people} of the people, {remote_speaking} of the speaking time."},
    {"floor.order_kept", "The queue's order was never set aside."},
    {"floor.order_set_aside.one", "The queue's order was set aside {count} time:"},
    {"floor.order_set_aside.other", "The queue's order was set aside {count} times:"},
};

const Catalogue spanish{
    {"month.1", "enero"}, {"month.2", "febrero"}, {"month.3", "marzo"}, {"month.4", "abril"},
    {"month.5", "mayo"}, {"month.6", "junio"}, {"month.7", "julio"}, {"month.8", "agosto"},
    {"month.9", "septiembre"}, {"month.10", "octubre"}, {"month.11", "noviembre"}, {"month.12", "diciembre"},
    {"date.day", "{day} de {month} de {year}"},
    {"date.moment", "{date}, {time}"},
    {"list.and", " y "},
    {"percent", "{n} %"},
    {"time.utc", "Las horas están en UTC."},
    {"time.offset", "Las horas están en {offset}."},
    {"time.zone", "Las horas son de {zone} ({offset})."},
    {"head.code", "Acta de la reunión {code} del {day}."},
    {"head.ended", "Empezó a las {start} y terminó a las {end}."},
    {"head.running", "Empezó a las {start}; seguía en curso cuando se hizo esta acta, el {now}."},
    {"head.not_started", "Seguía en curso cuando se hizo esta acta, el {now}."},
    {"head.prepared", "En preparación, sin empezar aún, cuando se hizo esta acta, el {now}."},
    {"head.never_started", "Terminó sin haber empezado."},
    {"someone", "alguien (anónimo)"},
    {"nobody", "nadie"},
    {"where.in_room", "en la sala"},
    {"where.remote", "a distancia"},
    {"section.people", "Personas"},
    {"people.facilitated", "Facilitación: {names}"},
    {"people.co_facilitator", "{name} (cofacilitación)"},
    {"people.in_room", "En la sala: {names}"},
    {"people.remote", "A distancia: {names}"},
    {"people.proxies", "Participan a través de quien facilita (por delegación): {names}"},
    {"people.removed", "Retiradas de la reunión durante la misma: {names}"},
    {"people.roles", "Funciones, según lo que ofrecen en el grupo: {roles}"},
    {"role.note_taker", "{name} toma notas"},
    {"role.timekeeper", "{name} controla el tiempo"},
    {"role.greeter", "{name} da la bienvenida"},
    {"section.agenda", "Orden del día"},
    {"agenda.item", "{id}. {title}: {used} usados"},
    {"agenda.item_planned", "{id}. {title}: {used} usados de {minutes} min previstos"},
    {"agenda.current", "{item} (en curso)"},
    {"section.decisions", "Decisiones"},
    {"decisions.none", "No se registró ninguna decisión."},
    {"decision.heading", "Decisión {id}: {title}"},
    {"decision.how", "Decidido por {method}, el {day} a las {time}: {result}."},
    {"decision.present", "Presentes: {people}."},
    {"decision.present_names", "Presentes: {people} ({names})."},
    {"people.one", "{count} persona"},
    {"people.other", "{count} personas"},
    {"decision.dissent", "En desacuerdo: {text}"},
    {"decision.review", "Se revisará antes del {date}."},
    {"decision.check", "Comprobación del registro: {hash}"},
    {"record.broken", "El registro de decisiones está ROTO: se cambió después de escribirse."},
    {"record.intact", "El registro de decisiones está intacto (cada entrada está encadenada a la anterior)."},
    {"section.proposals", "Propuestas, paso a paso"},
    {"proposal.heading", "Propuesta {id}: {title}"},
    {"proposal.outcome", "Resultado: {outcome}."},
    {"proposal.outcome_reason", "Resultado: {outcome} ({reason})."},
    {"outcome.clarifying", "aún abierta (preguntas aclaratorias)"},
    {"outcome.reactions", "aún abierta (reacciones)"},
    {"outcome.consent", "aún abierta (pidiendo el consentimiento)"},
    {"outcome.adopted", "adoptada"},
    {"outcome.not_adopted", "no adoptada"},
    {"outcome.withdrawn", "retirada"},
    {"proposal.version", "Versión {n}: {text}"},
    {"proposal.version_last", "Versión {n} (la última): {text}"},
    {"proposal.version_titled", "Versión {n}, titulada «{title}»: {text}"},
    {"proposal.version_last_titled", "Versión {n} (la última), titulada «{title}»: {text}"},
    {"objection.open", "Objeción de {name} a la versión {n}: {reason}. Sigue abierta."},
    {"objection.withdrawn", "Objeción de {name} a la versión {n}: {reason}. Retirada por {name}."},
    {"objection.amended", "Objeción de {name} a la versión {n}: {reason}. Respondida enmendando la propuesta (versión {next})."},
    {"objection.amended_then", "Objeción de {name} a la versión {n}: {reason}. Respondida enmendando la propuesta (versión {next}); después, {name}: {answer}."},
    {"objection.amended_then_said", "Objeción de {name} a la versión {n}: {reason}. Respondida enmendando la propuesta (versión {next}); después, {name}: {answer}: {text}."},
    {"objection.amended_silent", "Objeción de {name} a la versión {n}: {reason}. Respondida enmendando la propuesta (versión {next}); {name} no respondió a la nueva versión."},
    {"objection.closed", "Objeción de {name} a la versión {n}: {reason}. Nunca se resolvió: la propuesta terminó con ella abierta."},
    {"answer.consent", "da su consentimiento"},
    {"answer.concern", "da su consentimiento con una preocupación"},
    {"answer.objection", "se opone"},
    {"answer.stand_aside", "se hace a un lado"},
    {"answers.consent", "dan su consentimiento"},
    {"answers.concern", "dan su consentimiento con preocupaciones"},
    {"answers.objection", "se oponen"},
    {"answers.stand_aside", "se hacen a un lado"},
    {"answers.line", "Respuestas a la versión {n}: {groups}."},
    {"answers.group", "{names} {answer}"},
    {"answers.said", "{name} ({text})"},
    {"section.polls", "Encuestas"},
    {"polls.none", "No hubo encuestas."},
    {"poll.named", "{question} ({kind}, con nombre): {result}"},
    {"poll.anonymous", "{question} ({kind}, anónima): {result}"},
    {"poll_kind.single_choice", "una opción"},
    {"poll_kind.multiple_choice", "varias opciones"},
    {"poll_kind.scale", "una escala"},
    {"poll_kind.ranked_choice", "por orden de preferencia"},
    {"poll_kind.open_text", "respuestas abiertas"},
    {"poll.cancelled", "cancelada."},
    {"poll.open", "aún abierta; habían votado {voted} de {eligible}."},
    {"result.withheld", "sin mostrar: votaron {voters}, menos de las {needed} necesarias para mostrar un resultado anónimo."},
    {"result.choice", "{option}: {votes} de {voters}."},
    {"result.tie", "ninguna opción ganó sola (empate o sin votos)."},
    {"result.ranked", "{option} ganó por segunda vuelta instantánea tras {rounds}, de {voters}."},
    {"result.ranked_none", "nadie ganó por segunda vuelta instantánea (empate o sin votos)."},
    {"result.scale", "media de {mean} en una escala de {min} a {max}, de {voters}."},
    {"voters.one", "{count} votante"},
    {"voters.other", "{count} votantes"},
    {"rounds.one", "{count} ronda"},
    {"rounds.other", "{count} rondas"},
    {"answers_count.one", "{count} respuesta."},
    {"answers_count.other", "{count} respuestas."},
    {"section.rounds", "Rondas"},
    {"round.heading", "Ronda {n}."},
    {"round.heading_topic", "Ronda {n}: {topic}."},
    {"round.spoke", "Hablaron: {names}."},
    {"round.passed", "Pasaron: {names}."},
    {"round.skipped", "Se saltó a: {names}."},
    {"round.running", "Sigue en curso."},
    {"round.ended_early", "Terminó antes de tiempo."},
    {"section.agreement", "Acuerdo para trabajar juntos"},
    {"agreement.none", "Aún no se ha adoptado nada."},
    {"section.points_done", "Puntos escritos retomados o respondidos"},
    {"section.points_open", "Puntos escritos aún abiertos"},
    {"points.none", "Ninguno."},
    {"point.point", "Punto: {text} ({upvotes})"},
    {"point.question", "Pregunta: {text} ({upvotes})"},
    {"upvotes.one", "{count} apoyo"},
    {"upvotes.other", "{count} apoyos"},
    {"points.pending.one", "{count} punto escrito seguía esperando la aprobación de quien facilita."},
    {"points.pending.other", "{count} puntos escritos seguían esperando la aprobación de quien facilita."},
    {"section.floor", "Cómo se repartió la palabra"},
    {"turns.one", "{count} turno"},
    {"turns.other", "{count} turnos"},
    {"floor.person", "{name} ({where}): {turns}, {spoken} ({share} del tiempo de palabra)"},
    {"floor.quiet", "No hablaron: {names}."},
    {"floor.balance", "En la sala: {room_people} de las personas, {room_speaking} del tiempo de palabra. A distancia: {remote_people} de las personas, {remote_speaking} del tiempo de palabra."},
    {"floor.order_kept", "El orden de la cola nunca se dejó de lado."},
    {"floor.order_set_aside.one", "El orden de la cola se dejó de lado {count} vez:"},
    {"floor.order_set_aside.other", "El orden de la cola se dejó de lado {count} veces:"},
};

const std::map<std::string_view, const Catalogue*> catalogues{{"en", &english}, {"es", &spanish}};

}  // namespace

bool minutes_language(std::string_view language) { return catalogues.contains(language); }

std::string minutes_languages_list() {
  std::string out;
  std::size_t i = 0;
  for (const auto& entry : catalogues) {
    out += i == 0 ? "" : i + 1 == catalogues.size() ? " or " : ", ";
    out += "\"" + std::string(entry.first) + "\"";
    ++i;
  }
  return out;
}

MinutesWords::MinutesWords(std::string_view language) {
  const auto it = catalogues.find(language);
  words_ = it == catalogues.end() ? &english : it->second;
}

std::string_view MinutesWords::text(std::string_view key) const {
  auto it = words_->find(key);
  if (it != words_->end()) return it->second;
  it = english.find(key);  // every key is in every catalogue (MinutesTest checks it)
  return it == english.end() ? key : it->second;
}

std::string MinutesWords::operator()(std::string_view key, Values values) const { return core::fill_words(text(key), core::FilledWords(values)); }

std::string MinutesWords::count(std::string_view key, std::size_t n, Values values) const {
  // English and Spanish: "one" for 1, "other" for every other count.
  core::FilledWords all{{"count", std::to_string(n)}};
  all.insert(all.end(), values.begin(), values.end());
  return core::fill_words(text(std::string(key) + (n == 1 ? ".one" : ".other")), all);
}

std::string MinutesWords::list(const std::vector<std::string>& names) const {
  const std::string last = (*this)("list.and");
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i == 0 ? "" : i + 1 == names.size() ? last : ", ") + names[i];
  return out;
}

std::string MinutesWords::day(int d, int month, int year) const {
  const std::string name = (*this)("month." + std::to_string(month));
  return (*this)("date.day", {{"day", std::to_string(d)}, {"month", name}, {"year", std::to_string(year)}});
}

std::string MinutesWords::percent(double share) const {
  char n[16];
  std::snprintf(n, sizeof n, "%.0f", share * 100);
  return (*this)("percent", {{"n", n}});
}

const std::map<std::string_view, const std::map<std::string_view, std::string_view>*>& minutes_catalogues() {
  return catalogues;
}

}  // namespace everyvoice::codec
