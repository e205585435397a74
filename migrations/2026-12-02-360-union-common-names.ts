// National unions imported from the OLMS file get the names people use. The import used the OLMS code
// (aff_abbr) as a union's name and label ("UNITHE", "PAT") before codes were kept apart, and then labelled the
// Teamsters, the Steelworkers and the Carpenters by their initials. Each union found by its code (or, from
// before codes were kept, by a label and name both equal to the code) gets:
// - the common name as its label, when the label is still the one the import gave and nobody else has it;
// - its full name, when the name is still the code;
// - the code kept as its code, the old label and the other common names as aliases (search finds them);
// - its imported locals renamed to match ("IBT Local 727" → "Teamsters Local 727"), only those whose name is
//   still the one the import gave them.
// A union or local someone renamed by hand is left alone. The list is a frozen copy of
// src/imports/national-union-names.ts as it was when this landed. Frozen once landed.
import { sql, type Kysely } from 'kysely'

// [OLMS code, label, full name, ...aliases]
const NAMES: string[][] = [
  ["SEIU", "SEIU", "Service Employees International Union", "Service Employees"],
  ["CWA", "CWA", "Communications Workers of America", "Communications Workers"],
  ["AFSCME", "AFSCME", "American Federation of State, County and Municipal Employees"],
  ["UNITHE", "UNITE HERE", "UNITE HERE", "UNITEHERE", "Hotel workers"],
  ["UNITE", "UNITE HERE", "UNITE HERE"],
  ["CJA", "Carpenters", "United Brotherhood of Carpenters and Joiners of America", "UBC"],
  ["UBC", "Carpenters", "United Brotherhood of Carpenters and Joiners of America", "UBC"],
  ["RLCA", "NRLCA", "National Rural Letter Carriers Association", "Rural Letter Carriers"],
  ["UMW", "UMWA", "United Mine Workers of America", "Mine Workers"],
  ["UMWA", "UMWA", "United Mine Workers of America", "Mine Workers"],
  ["PAT", "IUPAT", "International Union of Painters and Allied Trades", "Painters"],
  ["IUPAT", "IUPAT", "International Union of Painters and Allied Trades", "Painters"],
  ["PPF", "UA", "United Association of Plumbers and Pipefitters", "Plumbers", "Pipefitters"],
  ["UA", "UA", "United Association of Plumbers and Pipefitters", "Plumbers", "Pipefitters"],
  ["BBF", "Boilermakers", "International Brotherhood of Boilermakers", "IBB"],
  ["SPFPA", "SPFPA", "Security, Police and Fire Professionals of America"],
  ["TCU", "TCU", "Transportation Communications Union"],
  ["BMWE", "BMWED", "Brotherhood of Maintenance of Way Employes", "Maintenance of Way"],
  ["BLE", "BLET", "Brotherhood of Locomotive Engineers and Trainmen", "Locomotive Engineers"],
  ["BLET", "BLET", "Brotherhood of Locomotive Engineers and Trainmen", "Locomotive Engineers"],
  ["AFT", "AFT", "American Federation of Teachers", "Teachers"],
  ["NEA", "NEA", "National Education Association"],
  ["IBT", "Teamsters", "International Brotherhood of Teamsters", "IBT"],
  ["UAW", "UAW", "United Auto Workers", "Auto Workers", "United Automobile Workers"],
  ["ATU", "ATU", "Amalgamated Transit Union", "Transit Union"],
  ["NNU", "NNU", "National Nurses United", "Nurses United"],
  ["USW", "Steelworkers", "United Steelworkers", "USW", "USWA"],
  ["NALC", "NALC", "National Association of Letter Carriers", "Letter Carriers"],
  ["APWU", "APWU", "American Postal Workers Union", "Postal Workers"],
  ["IBEW", "IBEW", "International Brotherhood of Electrical Workers", "Electrical Workers", "Electricians"],
  ["UFCW", "UFCW", "United Food and Commercial Workers", "Food and Commercial Workers"],
  ["IAM", "IAM", "International Association of Machinists and Aerospace Workers", "Machinists", "IAMAW"],
  ["AFGE", "AFGE", "American Federation of Government Employees"],
  ["IUOE", "IUOE", "International Union of Operating Engineers", "Operating Engineers"],
  ["LIUNA", "LIUNA", "Laborers' International Union of North America", "Laborers"],
  ["IATSE", "IATSE", "International Alliance of Theatrical Stage Employees", "Stagehands"],
  ["OPEIU", "OPEIU", "Office and Professional Employees International Union"],
  ["TWU", "TWU", "Transport Workers Union of America", "Transport Workers"],
  ["AFA", "AFA", "Association of Flight Attendants", "Flight Attendants"],
  ["NAGE", "NAGE", "National Association of Government Employees"],
  ["UE", "UE", "United Electrical, Radio and Machine Workers of America"],
  ["BCTGM", "BCTGM", "Bakery, Confectionery, Tobacco Workers and Grain Millers"],
  ["GMP", "GMP", "Glass, Molders, Pottery, Plastics and Allied Workers"],
  ["RWDSU", "RWDSU", "Retail, Wholesale and Department Store Union"],
  ["SAGAFTRA", "SAG-AFTRA", "SAG-AFTRA", "Screen Actors Guild"],
  ["WGAE", "WGAE", "Writers Guild of America, East", "Writers Guild"],
  ["AFM", "AFM", "American Federation of Musicians", "Musicians"],
  ["IAFF", "IAFF", "International Association of Fire Fighters", "Fire Fighters", "Firefighters"],
  ["NATCA", "NATCA", "National Air Traffic Controllers Association", "Air Traffic Controllers"],
  ["NTEU", "NTEU", "National Treasury Employees Union"],
  ["SMART", "SMART", "International Association of Sheet Metal, Air, Rail and Transportation Workers", "Sheet Metal"],
  ["SMW", "SMART", "International Association of Sheet Metal, Air, Rail and Transportation Workers", "Sheet Metal"],
  ["AAUP", "AAUP", "American Association of University Professors", "University Professors"],
  ["IFPTE", "IFPTE", "International Federation of Professional and Technical Engineers"],
  ["NFFE", "NFFE", "National Federation of Federal Employees"],
  ["IUEC", "IUEC", "International Union of Elevator Constructors", "Elevator Constructors"],
  ["BAC", "BAC", "International Union of Bricklayers and Allied Craftworkers", "Bricklayers"],
  ["OPCMIA", "OPCMIA", "Operative Plasterers' and Cement Masons' International Association", "Cement Masons"],
  ["IW", "Ironworkers", "International Association of Bridge, Structural, Ornamental and Reinforcing Iron Workers"],
  ["RWU", "Roofers", "United Union of Roofers, Waterproofers and Allied Workers"],
  ["ILA", "ILA", "International Longshoremen's Association", "Longshoremen"],
  ["ILWU", "ILWU", "International Longshore and Warehouse Union", "Longshore"],
  ["NABET", "NABET-CWA", "National Association of Broadcast Employees and Technicians"],
  ["TNG", "NewsGuild", "The NewsGuild-CWA", "Newspaper Guild", "TNG"],
  ["APFA", "APFA", "Association of Professional Flight Attendants"],
  ["ALPA", "ALPA", "Air Line Pilots Association", "Pilots"],
  ["AFSA", "AFSA", "American Federation of School Administrators"],
  ["NUHHCE", "1199", "National Union of Hospital and Health Care Employees"],
  ["WU", "Workers United", "Workers United"],
  ["HERE", "UNITE HERE", "UNITE HERE"],
  [
    "BSOIW",
    "Ironworkers",
    "International Association of Bridge, Structural, Ornamental and Reinforcing Iron Workers"],
  ["OPCM", "OPCMIA", "Operative Plasterers' and Cement Masons' International Association", "Cement Masons"],
  ["BCTGMI", "BCTGM", "Bakery, Confectionery, Tobacco Workers and Grain Millers", "Bakery Workers"],
  ["UTU", "UTU", "United Transportation Union", "SMART-TD"],
  ["HFIA", "Insulators", "International Association of Heat and Frost Insulators and Allied Workers", "HFIAW"],
  ["BRS", "BRS", "Brotherhood of Railroad Signalmen", "Railroad Signalmen"],
  ["UGSOA", "UGSOA", "United Government Security Officers of America"],
  ["NWSEO", "NWSEO", "National Weather Service Employees Organization"],
  ["UWU", "UWUA", "Utility Workers Union of America", "Utility Workers"],
  ["NPMHU", "NPMHU", "National Postal Mail Handlers Union", "Mail Handlers"],
  ["SIUNA", "SIU", "Seafarers International Union of North America", "Seafarers"],
  ["MEBA", "MEBA", "Marine Engineers' Beneficial Association"],
  ["UFW", "UFW", "United Farm Workers", "Farm Workers"],
  ["IWW", "IWW", "Industrial Workers of the World", "Wobblies"],
  ["AFTRA", "AFTRA", "American Federation of Television and Radio Artists"],
  ["SAG", "SAG", "Screen Actors Guild"],
  ["WGAW", "WGAW", "Writers Guild of America, West", "Writers Guild"],
  ["NAPFE", "NAPFE", "National Alliance of Postal and Federal Employees"],
  ["PTE", "IFPTE", "International Federation of Professional and Technical Engineers"],
  ["IBU", "IBU", "Inlandboatmen’s Union of the Pacific"],
  ["BCTD", "NABTU", "North America's Building Trades Unions", "Building Trades", "BCTD"],
  ["AFLCIO", "AFL-CIO", "American Federation of Labor and Congress of Industrial Organizations"],
]

// What the import labelled a union by before this migration, where that was not the code itself.
const IMPORT_LABEL: Record<string, string> = { CJA: 'UBC', UBC: 'UBC' }

type Row = { id: number; abbreviation: string; name: string; code: string | null }

export async function up(db: Kysely<any>): Promise<void> {
  for (const [code, label, fullName, ...aliases] of NAMES as [string, string, string, ...string[]][]) {
    const rows = (
      await sql<Row>`select id, abbreviation, name, code from national_unions
        where upper(code) = ${code} or (code is null and upper(abbreviation) = ${code} and name = abbreviation)
        order by id`.execute(db)
    ).rows
    for (const r of rows) {
      const old = r.abbreviation
      const asImported = old.toUpperCase() === code || old === IMPORT_LABEL[code]
      let next = old
      if (asImported && old !== label) {
        const taken = await sql`select 1 from national_unions
          where upper(abbreviation) = upper(${label}) and id <> ${r.id}`.execute(db)
        if (!taken.rows.length) next = label
      }
      const name = r.name === old || r.name.toUpperCase() === code ? fullName : r.name
      const more = [...aliases, ...(next !== old ? [old] : [])].filter((a) => a.toUpperCase() !== next.toUpperCase())
      await sql`update national_unions set abbreviation = ${next}, name = ${name},
          code = case when code is not null then code
            when exists (select 1 from national_unions o where upper(o.code) = ${code} and o.id <> ${r.id}) then null
            else ${code} end,
          aliases = array(select distinct a from unnest(aliases || ${more}::text[]) as a
            where upper(a) <> upper(${next}) order by a),
          version = version + 1, updated_at = now()
        where id = ${r.id}`.execute(db)
      if (next === old) continue
      const local = `${old} Local `
      const file = `${old} (OLMS file `
      await sql`update locals set name = ${next} || substr(name, ${old.length + 1}),
          version = version + 1, updated_at = now()
        where national_union_id = ${r.id} and olms_file_number is not null
          and (left(name, ${local.length}) = ${local} or left(name, ${file.length}) = ${file})`.execute(db)
    }
  }
}

// The new names stay: nothing records which labels were the import's own, and the old ones are aliases now.
export async function down(): Promise<void> {}
