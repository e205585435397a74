// Tenfold's own model resolutions: the starter library a chapter's labor
// committee and its worker-leaders fill in for a local, a candidate and a
// meeting. Every text is original to Tenfold, uses only the merge fields in
// MERGE_FIELDS, and ends with the certification lines a recording secretary
// signs. Seeded into the resolution library as version 1 of each text.

export const RESOLUTION_KINDS = [
  { key: 'democratize', label: 'Democratize the endorsement process' },
  { key: 'endorse_candidate', label: 'Endorse the local candidate' },
  { key: 'endorse_slate', label: 'Endorse the whole slate' },
  { key: 'national_endorse', label: 'Ask the national union to endorse' },
  { key: 'forum_request', label: 'Candidate forum and questionnaire' },
  { key: 'issue', label: 'Issue resolution' },
] as const

export type ResolutionKind = (typeof RESOLUTION_KINDS)[number]['key']
export type ResolutionLanguage = 'en' | 'es'

export interface ModelResolution {
  slug: string
  title: string
  kind: ResolutionKind
  language: ResolutionLanguage
  tags: string[]
  body: string
}

// Long sentences are wrapped in the source: a line that starts with two spaces
// continues the line before it (the text itself has no line that starts so).
function prose(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce((text, part, i) => text + part.replace(/\n {2}/g, ' ') + (values[i] ?? ''), '')
}

const CERTIFY_EN = prose`Adopted by {{meeting.body}} on {{meeting.date}}
Vote: ___ for, ___ against, ___ abstaining
Signed: ____________ (Recording Secretary)`

const CERTIFY_ES = prose`Aprobada por {{meeting.body}} el {{meeting.date}}
Votación: ___ a favor, ___ en contra, ___ abstenciones
Firma: ____________ (Secretaría de Actas)`

const DEMOCRATIZE_EN = prose`Resolution for an Open, Member-Driven Endorsement Process at {{local.name}}

WHEREAS, the dues of the members of {{local.name}} pay for this union's political work, and every endorsement made
  in their name puts their credibility on the line with coworkers, neighbors and public officials;

WHEREAS, an endorsement carries the most weight when the members who will knock on doors, make calls and turn out to
  vote have heard the candidates for themselves and had a direct say in the choice;

WHEREAS, the elections of {{election.date}} will settle offices that shape our wages, our working conditions and the
  public services our families rely on;

WHEREAS, asking the membership first does not take authority away from the body that makes the final decision, but
  gives that decision a firmer footing;

RESOLVED, that before {{local.name}} endorses any candidate in the elections of {{election.date}}, it will hold a
  candidate forum open to every member in good standing, inviting each candidate who seeks the endorsement to answer
  members' questions in person and to return a written questionnaire approved by {{meeting.body}};

BE IT FURTHER RESOLVED, that after the forum the local will hold a poll of the whole membership, by secret ballot
  and with fair notice, on which candidates the local should endorse;

BE IT FURTHER RESOLVED, that the results of the poll will be reported to the membership, and that the endorsing body
  will take them up at its next regular meeting, in keeping with the constitution and bylaws of {{union.name}};

BE IT FINALLY RESOLVED, that the officers will publish the date of the forum, the questionnaire answers and the poll
  results in the local's usual channels, so that every member can follow the process from beginning to end.

${CERTIFY_EN}`

const DEMOCRATIZE_ES = prose`Resolución para que la membresía de {{local.name}} decida sus respaldos electorales

CONSIDERANDO que la acción política de nuestro sindicato se paga con las cuotas de la membresía de {{local.name}}, y
  que cada respaldo que se da en su nombre compromete la palabra de todas y todos ante sus compañeros de trabajo, sus
  vecinos y las autoridades;

CONSIDERANDO que un respaldo tiene más fuerza cuando quienes van a tocar puertas, hacer llamadas y salir a votar han
  escuchado en persona a las candidaturas y han tenido voz en la decisión;

CONSIDERANDO que en las elecciones del {{election.date}} se eligen cargos de los que dependen nuestros salarios,
  nuestras condiciones de trabajo y los servicios públicos que usan nuestras familias;

CONSIDERANDO que consultar primero a la membresía no le resta autoridad al órgano que toma la decisión final, sino
  que le da más respaldo;

SE RESUELVE que, antes de apoyar a cualquier candidatura en las elecciones del {{election.date}}, {{local.name}}
  organizará un foro abierto a todas las personas afiliadas al corriente de sus cuotas, al que se invitará a cada
  candidatura que pida nuestro respaldo para que conteste en persona las preguntas de la membresía y entregue por
  escrito sus respuestas a un cuestionario aprobado por {{meeting.body}};

SE RESUELVE ADEMÁS que, terminado el foro, el local hará una consulta a toda la membresía, con voto secreto y con
  aviso suficiente, para saber qué candidaturas quiere respaldar;

SE RESUELVE ADEMÁS que los resultados de la consulta se darán a conocer a la membresía y que el órgano que decide
  los respaldos los considerará en su próxima reunión ordinaria, de acuerdo con la constitución y los estatutos de
  {{union.name}};

SE RESUELVE FINALMENTE que la directiva publicará por los medios habituales del local la fecha del foro, las
  respuestas al cuestionario y el resultado de la consulta, para que cualquier afiliada o afiliado pueda seguir el
  proceso de principio a fin.

${CERTIFY_ES}`

const ENDORSE_CANDIDATE_EN = prose`Resolution to Endorse {{candidate.name}} for {{candidate.office}},
  {{candidate.district}}

WHEREAS, {{candidate.name}} is running for {{candidate.office}} in {{candidate.district}}, where many members of
  {{local.name}} live, work and raise their families;

WHEREAS, {{candidate.name}} has answered our members' questions and pledged to stand with working people on the
  matters closest to them: the freedom to organize and bargain without retaliation, good jobs with safe staffing,
  fully funded public services, and health care that does not hang on an employer;

WHEREAS, {{candidate.name}} has committed to answer to the labor movement and to the voters of
  {{candidate.district}} rather than to large donors;

WHEREAS, the election of {{election.date}} gives the members of this local a real chance to help elect someone who
  shares their priorities;

RESOLVED, that {{local.designation}}, {{union.name}}, endorses {{candidate.name}} for {{candidate.office}} in the
  election of {{election.date}};

BE IT FURTHER RESOLVED, that the local will tell its members about this endorsement through its regular channels and
  invite them to vote for {{candidate.name}} and to volunteer for the campaign;

BE IT FURTHER RESOLVED, that the officers will notify the campaign, the central labor council and {{union.name}} of
  this endorsement, and will allow the campaign to name {{local.name}} among its supporters;

BE IT FINALLY RESOLVED, that the local will ask {{candidate.name}}, if elected, to report back to the membership on
  the commitments made to working people during the campaign.

${CERTIFY_EN}`

const ENDORSE_CANDIDATE_ES = prose`Resolución de respaldo a la candidatura de {{candidate.name}}
  para {{candidate.office}}

CONSIDERANDO que {{candidate.name}} se postula para {{candidate.office}} en {{candidate.district}}, donde viven y
  trabajan muchas personas afiliadas a {{local.name}} junto con sus familias;

CONSIDERANDO que esta candidatura respondió a las preguntas de nuestra membresía y se comprometió a defender lo que
  más nos importa: el derecho a organizarnos y a negociar sin represalias, empleos dignos con personal suficiente,
  servicios públicos bien financiados y una atención médica que no dependa del patrón;

CONSIDERANDO que {{candidate.name}} se ha comprometido a rendir cuentas al movimiento sindical y a los votantes de
  {{candidate.district}}, y no a los grandes donantes;

CONSIDERANDO que las elecciones del {{election.date}} nos dan una oportunidad real de ayudar a elegir a alguien que
  comparte nuestras prioridades;

SE RESUELVE que el {{local.designation}} de {{union.name}} respalda la candidatura de {{candidate.name}} para
  {{candidate.office}} en las elecciones del {{election.date}};

SE RESUELVE ADEMÁS que el local informará de este respaldo a toda la membresía por sus medios habituales y la
  animará a votar por {{candidate.name}} y a sumarse a la campaña como voluntarias y voluntarios;

SE RESUELVE ADEMÁS que la directiva comunicará este respaldo a la campaña, al consejo laboral central y a
  {{union.name}}, y autorizará a la campaña a nombrar a {{local.name}} entre sus apoyos;

SE RESUELVE FINALMENTE que el local pedirá a {{candidate.name}} que, si gana la elección, venga a rendir cuentas
  ante la membresía sobre los compromisos que asumió con la clase trabajadora durante la campaña.

${CERTIFY_ES}`

const ENDORSE_SLATE_EN = prose`Resolution to Endorse the Candidates of the {{slate.name}}

WHEREAS, {{slate.candidates}} are running together as the {{slate.name}}, each for a different office but all on one
  shared program for working people;

WHEREAS, that program includes the freedom to organize without interference, strong public services staffed by union
  workers, health care for all, and full support for workers who strike;

WHEREAS, {{candidate.name}}, one of the candidates of the slate, is running for {{candidate.office}} in
  {{candidate.district}}, where members of {{local.name}} live and work;

WHEREAS, a union's voice counts for more when locals in many cities stand behind the same candidates and the same
  program than when each race is decided on its own;

RESOLVED, that {{local.designation}}, {{union.name}}, endorses the candidates of the {{slate.name}}, namely
  {{slate.candidates}}, in the elections of {{election.date}};

BE IT FURTHER RESOLVED, that the local will give first place in its volunteer and member-education work to the
  campaign of {{candidate.name}} for {{candidate.office}}, while keeping members informed about the whole slate;

BE IT FURTHER RESOLVED, that the local will send this resolution to the other locals of {{union.name}}, to the
  central labor council and to the state federation of labor, and will urge them to take up the same question;

BE IT FINALLY RESOLVED, that wherever the rules of {{union.name}} require approval before a local endorses in a
  given race, the officers will ask for that approval promptly and report the answer to the membership.

${CERTIFY_EN}`

const NATIONAL_ENDORSE_EN = prose`Resolution Calling on {{union.name}} to Endorse {{candidate.name}}
  and the {{slate.name}}

WHEREAS, members of {{local.name}} have heard from {{candidate.name}}, candidate for {{candidate.office}} in
  {{candidate.district}}, and support the program that {{candidate.name}} shares with the other candidates of the
  {{slate.name}};

WHEREAS, an endorsement from {{union.name}} brings the weight of members in every region, and the staff, money and
  volunteers that only a national union can put into the field;

WHEREAS, national endorsement decisions are often made long before most members are asked, and locals that speak
  early are the ones most likely to be heard;

WHEREAS, the endorsements of {{union.name}} should reflect the views of its members, as expressed through the
  resolutions of its locals;

RESOLVED, that {{local.name}} calls on {{union.name}} to endorse {{candidate.name}} for {{candidate.office}} in the
  election of {{election.date}};

BE IT FURTHER RESOLVED, that {{local.name}} also urges {{union.name}} to endorse every candidate of the
  {{slate.name}}: {{slate.candidates}};

BE IT FURTHER RESOLVED, that the officers will send this resolution to the president and the executive board of
  {{union.name}}, and will ask the local's delegates to raise it at every council, convention or political conference
  where endorsements are discussed;

BE IT FURTHER RESOLVED, that the local will share this resolution with the other locals of {{union.name}} and invite
  them to adopt one like it;

BE IT FINALLY RESOLVED, that the officers will report any response from {{union.name}} to the membership at the next
  regular meeting.

${CERTIFY_EN}`

const FORUM_REQUEST_EN = prose`Resolution Requesting a Candidate Questionnaire and Forum for {{candidate.office}}

WHEREAS, the members of {{local.name}} deserve to know where candidates stand before the union speaks for them in
  the election of {{election.date}};

WHEREAS, the race for {{candidate.office}} in {{candidate.district}} will shape laws and budgets that reach into our
  workplaces and our homes;

WHEREAS, a written questionnaire and a forum in front of the members put the same questions to every candidate and
  give each one the same chance to answer;

WHEREAS, hearing candidates directly draws members into the election and makes them more willing to volunteer and to
  vote;

RESOLVED, that {{meeting.body}} asks the political committee of {{local.name}}, or the officers where there is no
  such committee, to send a questionnaire on members' priorities to every qualified candidate for
  {{candidate.office}}, including {{candidate.name}}, within thirty days;

BE IT FURTHER RESOLVED, that the local will host a candidate forum open to all members before any endorsement in
  this race is considered, and will announce it to members at least two weeks ahead;

BE IT FURTHER RESOLVED, that the questionnaire and every answer received will be made available to members before
  the forum;

BE IT FINALLY RESOLVED, that any candidate who declines to answer the questionnaire or to appear at the forum will
  be listed as such in the report to the membership.

${CERTIFY_EN}`

const STRIKE_SUPPORT_EN = prose`Resolution Pledging Support to Workers on Strike

WHEREAS, the right to strike is the source of much of what workers have won, and a strike lost anywhere in our
  region lowers the standards that members of {{local.name}} bargain against;

WHEREAS, a picket line holds best when other unions respect it, walk it and help the strikers and their families
  meet their basic needs until the dispute is settled;

WHEREAS, public officials can help or hurt a strike, by speaking up for the strikers, by refusing to use public
  resources against them, and by backing unemployment benefits for workers on strike;

WHEREAS, the elections of {{election.date}} will put new officials in a position to do exactly that;

RESOLVED, that {{local.name}} pledges to support workers on strike in our area: to tell members when a strike
  begins, to encourage members to join picket lines outside their working hours, and to respect picket lines as far as
  our contract and the law allow;

BE IT FURTHER RESOLVED, that the executive board will consider a contribution to the strike fund of any union on
  strike in our area and report its decision to the membership;

BE IT FURTHER RESOLVED, that the local will ask every candidate who seeks its endorsement in the elections of
  {{election.date}}, including those running for {{candidate.office}}, to pledge in writing to support workers on
  strike and unemployment benefits for strikers;

BE IT FINALLY RESOLVED, that this resolution will be sent to the central labor council and to the other locals of
  {{union.name}}, with an invitation to make the same pledge.

${CERTIFY_EN}`

const SAFE_STAFFING_EN = prose`Resolution in Support of Safe Staffing Standards in Public Services

WHEREAS, understaffing in public hospitals, schools, transit and social services wears workers down, drives
  experienced people out of their jobs and leaves the public with longer waits and poorer care;

WHEREAS, minimum staffing ratios that are written into law and into contracts, and that can be enforced, protect
  both the workers who provide public services and the people who depend on them;

WHEREAS, members of {{local.name}} see every day what happens when there are too few hands for the work;

WHEREAS, the officials chosen in the elections of {{election.date}} will write the budgets that decide staffing
  levels for years to come;

RESOLVED, that {{local.name}} supports legislation setting enforceable minimum staffing ratios in public services,
  drawn up with the workers who deliver those services and funded without cuts to wages or benefits;

BE IT FURTHER RESOLVED, that the local will ask every candidate seeking its endorsement, including
  {{candidate.name}}, candidate for {{candidate.office}}, to state in writing where they stand on safe staffing, and
  will share the answers with the membership;

BE IT FURTHER RESOLVED, that the local will work with the other locals of {{union.name}}, the central labor council
  and community organizations in a common campaign for safe staffing;

BE IT FINALLY RESOLVED, that the officers will report on the progress of this campaign to the membership at least
  once every three months.

${CERTIFY_EN}`

export const MODEL_RESOLUTIONS: readonly ModelResolution[] = Object.freeze(
  (
    [
      {
        slug: 'democratize-endorsement-process',
        title: 'Open, member-driven endorsement process (candidate forum and member poll)',
        kind: 'democratize',
        language: 'en',
        tags: ['process', 'candidate forum', 'member poll', 'questionnaire'],
        body: DEMOCRATIZE_EN,
      },
      {
        slug: 'democratize-endorsement-process-es',
        title: 'Respaldos decididos por la membresía (foro de candidaturas y consulta)',
        kind: 'democratize',
        language: 'es',
        tags: ['process', 'candidate forum', 'member poll', 'questionnaire'],
        body: DEMOCRATIZE_ES,
      },
      {
        slug: 'endorse-local-candidate',
        title: 'Endorse the local candidate',
        kind: 'endorse_candidate',
        language: 'en',
        tags: ['endorsement', 'candidate'],
        body: ENDORSE_CANDIDATE_EN,
      },
      {
        slug: 'endorse-local-candidate-es',
        title: 'Respaldo a la candidatura local',
        kind: 'endorse_candidate',
        language: 'es',
        tags: ['endorsement', 'candidate'],
        body: ENDORSE_CANDIDATE_ES,
      },
      {
        slug: 'endorse-whole-slate',
        title: 'Endorse the whole slate',
        kind: 'endorse_slate',
        language: 'en',
        tags: ['endorsement', 'slate'],
        body: ENDORSE_SLATE_EN,
      },
      {
        slug: 'national-endorsement-request',
        title: 'Call on the national union to endorse',
        kind: 'national_endorse',
        language: 'en',
        tags: ['endorsement', 'national union', 'slate', 'candidate'],
        body: NATIONAL_ENDORSE_EN,
      },
      {
        slug: 'candidate-forum-request',
        title: 'Request a candidate questionnaire and forum',
        kind: 'forum_request',
        language: 'en',
        tags: ['process', 'candidate forum', 'questionnaire'],
        body: FORUM_REQUEST_EN,
      },
      {
        slug: 'strike-support-pledge',
        title: 'Strike-support pledge',
        kind: 'issue',
        language: 'en',
        tags: ['issue', 'strike support', 'solidarity'],
        body: STRIKE_SUPPORT_EN,
      },
      {
        slug: 'safe-staffing-public-services',
        title: 'Safe staffing standards in public services',
        kind: 'issue',
        language: 'en',
        tags: ['issue', 'public sector', 'staffing'],
        body: SAFE_STAFFING_EN,
      },
    ] satisfies ModelResolution[]
  ).map((r) => Object.freeze({ ...r, tags: Object.freeze([...r.tags]) as string[] })),
)

export function findModelResolution(slug: string): ModelResolution | undefined {
  return MODEL_RESOLUTIONS.find((r) => r.slug === slug)
}
