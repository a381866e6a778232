"""The words of the demo site: a fictional think tank, its blogs, people, topics and posts.

All of it is written for Masthead. The institution and its people are invented;
the policy arguments are plausible commentary, not findings, and any figures
in them are illustrative. ``sample_content`` turns this into rows.
"""

from dataclasses import dataclass

INSTITUTION = {
    "name": "Harbour Institute for Public Affairs",
    "short_name": "Harbour Institute",
    "url": "https://harbour.example.org",
    "tagline": "Independent analysis of the choices that shape cities, markets and public services",
    "comment_guidelines": """\
We welcome disagreement, corrections and experience from the field. To keep the
discussion worth reading:

- **Argue with the idea, not the person.** Insults, slurs and threats are removed.
- **Stay on the topic of the post.** Off-topic and repeated comments may not be published.
- **Show your working.** Link to evidence where you can; say so when you are speculating.
- **No advertising, no spam,** and no personal details about anyone, including yourself.

Every comment is read by a moderator before it appears, usually within one working
day. We publish comments in full or not at all; we do not edit them.
""",
}

IMAGE_CREDIT = "Illustration: Harbour Institute design desk"


@dataclass(frozen=True)
class SampleBlog:
    slug: str
    name: str
    tagline: str
    description: str
    palette: str  # one of sample_images.PALETTES


@dataclass(frozen=True)
class SampleAuthor:
    slug: str
    display_name: str
    role: str
    bio: str
    initials: str
    colour: tuple[int, int, int]
    given_name: str = ""
    family_name: str = ""
    is_institutional: bool = False
    orcid: str = ""


@dataclass(frozen=True)
class SampleTopic:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Picture:
    motif: str  # one of sample_images.MOTIFS
    alt: str
    caption: str


@dataclass(frozen=True)
class Correction:
    note: str
    days_later: int
    # The corrected passage and how it read before: the demo publishes the post
    # as it first read, then corrects it, so the earlier version is kept too.
    corrected: str = ""
    originally: str = ""


@dataclass(frozen=True)
class SamplePost:
    blog: str
    slug: str
    title: str
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    summary: str
    body: str
    # Days before the first load; negative is in the future; None for a draft.
    days_ago: int | None
    hour: int = 9
    minute: int = 0
    status: str = "published"
    picture: Picture | None = None
    correction: Correction | None = None


BLOGS = [
    SampleBlog(
        slug="energy",
        name="Energy Desk",
        tagline="Experts give their take on the energy transition",
        description=(
            "Grids, prices and the politics of decarbonisation: how the shift away "
            "from fossil fuels is planned, paid for and felt at home."
        ),
        palette="teal",
    ),
    SampleBlog(
        slug="cities",
        name="Cities Lab",
        tagline="Our researchers weigh in on housing, streets and the life of cities",
        description=(
            "Urban policy from the kerb up: zoning, transport, public space and what "
            "it takes to keep a growing city liveable."
        ),
        palette="slate",
    ),
    SampleBlog(
        slug="health",
        name="Health Check",
        tagline="Clinicians and economists on the state of our health systems",
        description=(
            "How care is organised, staffed and funded, and who falls through the gaps "
            "between hospital, clinic and home."
        ),
        palette="green",
    ),
    SampleBlog(
        slug="ledger",
        name="The Ledger",
        tagline="Expert takes on money, work and the technology that is changing both",
        description=(
            "Public budgets, labour markets and the digital tools governments and "
            "employers adopt, read with a sceptical eye."
        ),
        palette="navy",
    ),
]

AUTHORS = [
    SampleAuthor(
        slug="ingrid-van-der-linde",
        display_name="Ingrid van der Linde",
        given_name="Ingrid",
        family_name="van der Linde",
        role="Senior Fellow, Energy and Climate",
        bio=(
            "Ingrid spent a decade planning transmission lines for a regional grid operator "
            "before joining the Institute. She writes on networks, electricity markets and "
            "the practical limits of energy targets."
        ),
        initials="IL",
        colour=(20, 72, 80),
        # ORCID's own example iD (of its fictional test researcher), so no real
        # person's record is linked from the demo.
        orcid="0000-0002-1825-0097",
    ),
    SampleAuthor(
        slug="tomas-de-la-cruz",
        display_name="Tomás de la Cruz",
        given_name="Tomás",
        family_name="de la Cruz",
        role="Fellow, Urban Policy",
        bio=(
            "Tomás is an urban planner who has worked for two city governments on zoning "
            "and street design. His research follows how land-use rules shape rents, "
            "commutes and neighbourhood life."
        ),
        initials="TC",
        colour=(86, 104, 140),
    ),
    SampleAuthor(
        slug="oluwaseun-adeyemi",
        display_name="Oluwaseun Adeyemi",
        given_name="Oluwaseun",
        family_name="Adeyemi",
        role="Director of Health Policy",
        bio=(
            "Oluwaseun trained as a physician and practised in emergency medicine before "
            "moving into health services research. She leads the Institute's work on "
            "waiting times, the health workforce and primary care."
        ),
        initials="OA",
        colour=(26, 84, 64),
    ),
    SampleAuthor(
        slug="priya-raghunathan",
        display_name="Priya Raghunathan",
        given_name="Priya",
        family_name="Raghunathan",
        role="Chief Economist",
        bio=(
            "Priya leads the Institute's economics team. Her work covers public finances, "
            "household incomes and the distribution of costs in climate and health policy."
        ),
        initials="PR",
        colour=(164, 38, 44),
    ),
    SampleAuthor(
        slug="hannah-lindqvist",
        display_name="Hannah Lindqvist",
        given_name="Hannah",
        family_name="Lindqvist",
        role="Research Associate, Technology and Society",
        bio=(
            "Hannah studies how public bodies buy, build and audit digital systems. Before "
            "the Institute she was a software engineer on government services."
        ),
        initials="HL",
        colour=(112, 76, 140),
    ),
    SampleAuthor(
        slug="data-team",
        display_name="Harbour Institute Data Team",
        is_institutional=True,
        role="Data and methods",
        bio=(
            "The Data Team builds and maintains the Institute's datasets and checks the "
            "numbers behind every chart we publish. Posts under this byline are collective work."
        ),
        initials="HI",
        colour=(20, 54, 93),
    ),
]

TOPICS = [
    SampleTopic("energy-transition", "Energy Transition",
                "Decarbonising power, heat and transport, and who pays for it."),
    SampleTopic("climate-adaptation", "Climate Adaptation",
                "Preparing streets, buildings and services for a hotter, wetter climate."),
    SampleTopic("housing", "Housing", "Supply, rents, zoning and the quality of homes."),
    SampleTopic("transport", "Transport", "Buses, bikes, roads and the way people get around."),
    SampleTopic("public-health", "Public Health",
                "Prevention, health services and the conditions that make people ill."),
    SampleTopic("public-finance", "Public Finance",
                "Taxes, budgets, borrowing and the upkeep of public assets."),
    SampleTopic("labour-markets", "Labour Markets", "Wages, hours, skills and working conditions."),
    SampleTopic("digital-government", "Digital Government",
                "Software, data and automation in public services."),
]  # fmt: skip

ENERGY_POSTS = [
    SamplePost(
        blog="energy",
        slug="transmission-decides-the-pace",
        title="Batteries Are Not a Grid Strategy: Why Transmission Still Decides the Pace",
        authors=("ingrid-van-der-linde",),
        topics=("energy-transition",),
        days_ago=12,
        hour=8,
        summary=(
            "Storage is the most photogenic part of the energy transition. The slower, duller "
            "work of building power lines will decide how fast the rest of it can go."
        ),
        picture=Picture(
            "network",
            "A simplified map of connected nodes above rolling teal hills, suggesting a "
            "transmission network linking towns.",
            "Storage shifts power in time; lines move it across space. A clean grid needs both.",
        ),
        body="""
Every few weeks another large battery is switched on somewhere, and the announcement
usually comes with a photograph of neat white containers in a field. Batteries deserve
the attention: they have become cheap quickly, and they are already smoothing the
evening peak in several markets. But a battery moves electricity in **time**. It does
not move it in **space**, and space is where most of our grid problems now sit.

## Where the bottleneck really is

Wind is strongest on coasts and uplands; demand is concentrated in cities. Solar farms
go where land is cheap, which is rarely where people live. The result is a growing list
of projects that are built, or could be built, but cannot connect. In some regions the
wait for a grid connection is now longer than the time it takes to build the plant.

Storage helps at the margins. A battery next to a congested substation can soak up a few
hours of surplus. It cannot turn a line rated for 500 megawatts into one rated for 2,000.

## Three things that would speed lines up

1. **Plan the network ahead of the generators**, instead of waiting for each project to
   request a connection and then studying it in isolation.
2. **Standardise designs** for substations and towers so that each one is not a new
   engineering project with its own consultation.
3. **Share the benefits locally.** Communities that host lines get the disruption and
   little else; modest, predictable payments would change many of those conversations.

> A grid built one connection request at a time is a grid that is always a decade late.

None of this is glamorous, and none of it photographs well. It is still the part of the
transition that sets the speed limit for everything else.
""",
    ),
    SamplePost(
        blog="energy",
        slug="who-pays-when-the-coal-plant-closes",
        title="Who Pays When the Coal Plant Closes?",
        authors=("priya-raghunathan", "ingrid-van-der-linde"),
        topics=("energy-transition", "labour-markets", "public-finance"),
        days_ago=95,
        hour=10,
        summary=(
            "Closing a coal plant saves emissions at national scale and costs jobs and tax "
            "revenue at local scale. A fair plan starts by admitting both."
        ),
        picture=Picture(
            "falling-bars",
            "A bar chart in teal and dark green whose bars decline steadily from left to "
            "right, with the final bar picked out in amber.",
            "Local revenues tend to fall faster than national emissions savings arrive.",
        ),
        body="""
When a coal plant closes, the national ledger looks good: lower emissions, less exposure
to fuel prices, cleaner air downwind. The local ledger looks very different. A single
plant can be the largest employer in its district, the largest payer of local property
tax, and the reason a rail freight line still runs.

## Three costs that land locally

- **Wages.** Plant jobs are often among the best-paid manual jobs in the area, and the
  jobs that replace them rarely match them.
- **Local budgets.** Property and business taxes from the site can fund a large share
  of schools and roads. Those revenues stop the year the plant does.
- **Site clean-up.** Ash ponds and contaminated land need years of work, and the question
  of who pays for it is often settled only after closure.

## What a fair plan looks like

A fair transition plan does not try to keep the plant open. It replaces what the plant
provided, on a timetable that starts **before** closure. That means bridging payments to
local government that taper over several years, wage insurance and retraining tied to
actual vacancies, and clean-up obligations funded while the plant still earns money.

The sums involved are small next to the national benefits of closure. That is exactly
why it is worth paying them: a transition that visibly abandons the places that powered
the old economy will find the next closure much harder to win.
""",
    ),
    SamplePost(
        blog="energy",
        slug="heat-pumps-in-terraced-streets",
        title="Heat Pumps in Terraced Streets: Lessons from Early Adopters",
        authors=("ingrid-van-der-linde", "tomas-de-la-cruz"),
        topics=("energy-transition", "housing"),
        days_ago=210,
        hour=11,
        summary=(
            "Dense older housing is supposed to be the hard case for heat pumps. Households "
            "that have already made the switch suggest the obstacles are mostly fixable."
        ),
        picture=Picture(
            "skyline",
            "A layered skyline of rooftops and towers in three shades of teal under an amber "
            "sun, with a few lit windows in the front row.",
            "Older terraces make up a large share of the housing that will need new heating.",
        ),
        body="""
Terraced streets are often described as the place where heat pumps go to fail: small
gardens, no room for a hot water cylinder, neighbours a wall away. We spoke to
installers and to households on streets where a handful of homes have already switched,
and their experience is more encouraging than the reputation.

## What went wrong, and how it was fixed

Most of the problems people described were not about the technology itself:

- **Noise worries** came up early but faded once units were sited with care and
  mounted on proper brackets.
- **Planning rules** that required permission for a unit near a boundary caused more
  delay than any technical issue.
- **Radiators** were the real cost driver. Several homes needed two or three larger
  ones; the rest were fine as they were.

## Doing it street by street

The households that had the smoothest experience were on streets where a local group or
housing association organised several installations at once. One survey, one installer,
shared scaffolding and a single conversation with the planning office brought costs down
noticeably.

> The first house on the street is a project. The fifth is a routine job.

That suggests an approach for councils: rather than waiting for individual households
to act, support street-level schemes that batch the surveys, the paperwork and the work.
""",
    ),
    SamplePost(
        blog="energy",
        slug="reading-the-winter-price-spike",
        title="Reading the Winter Price Spike Without Panic",
        authors=("data-team",),
        topics=("energy-transition", "public-finance"),
        days_ago=330,
        hour=7,
        minute=30,
        summary=(
            "Wholesale prices jumped sharply during last week's cold snap. Here is what the "
            "numbers do and do not tell us about household bills."
        ),
        picture=Picture(
            "spike",
            "A filled line chart in teal that rises gradually, climbs steeply past the middle "
            "and then falls back, ending on an amber dot.",
            "Short spikes in wholesale prices are visible in daily data and far less so in bills.",
        ),
        correction=Correction(
            "An earlier version of this post gave the share of wholesale costs in a typical "
            "bill as about two thirds. The correct figure is a little under half.",
            days_later=2,
            corrected="Wholesale costs are a little under half of a typical bill;",
            originally="Wholesale costs are about two thirds of a typical bill;",
        ),
        body="""
During last week's cold, still spell, day-ahead wholesale electricity prices rose to
several times their autumn average for a few evenings. The charts went round social
media quickly. Before drawing conclusions, it helps to separate three different things.

## Wholesale prices are not bills

Most households pay a tariff that is set in advance and reflects hedged purchases made
months earlier. A spike lasting a few days moves the average cost of those purchases
only slightly.[^hedging] Wholesale costs are a little under half of a typical bill; networks,
policy costs, operating costs and taxes make up the rest.[^shares]

## Why the spike happened

The pattern was a familiar one:

1. Demand peaked in the early evening as temperatures dropped.
2. Wind output was unusually low across the region for several days.
3. The most expensive gas plants were needed to balance the system, and they set the
   price for every unit sold in those hours.

## What to watch instead

The more useful signals for bills are forward prices for next winter and the level of
gas storage. Both moved far less than the headline daily prices. You can follow them in
the regulator's [published market indicators](https://regulator.example.org/markets).

Spikes like this one are a reason to build more flexibility and storage. They are not,
on their own, a forecast of next year's bills.

[^hedging]: Suppliers typically buy most of a winter's power a year or more ahead; only
    the part they did not hedge is bought at the prices in the charts.
[^shares]: The shares are those of the regulator's breakdown of a typical dual-fuel bill
    for the current price-cap period; they move from one period to the next.
""",
    ),
    SamplePost(
        blog="energy",
        slug="offshore-winds-quiet-bottleneck",
        title="Offshore Wind's Quiet Bottleneck: Ports",
        authors=("ingrid-van-der-linde",),
        topics=("energy-transition",),
        days_ago=470,
        hour=9,
        summary=(
            "Turbines keep getting bigger, and the quaysides that assemble them have not kept "
            "up. Port upgrades are cheap next to the projects that depend on them."
        ),
        picture=Picture(
            "waves",
            "A row of wind turbines on the horizon above layered green-teal waves, with an "
            "amber sun low in the sky.",
            "Each generation of turbine needs longer quays and stronger ground to assemble.",
        ),
        body="""
Offshore wind targets are usually discussed in gigawatts, auctions and strike prices.
Far less attention goes to the stretch of reinforced concrete where the turbines are
actually put together. That is becoming a problem.

## Bigger machines, same old quays

Modern turbine blades are longer than a football pitch, and a single nacelle can weigh
as much as a small ship. Assembling them needs quays that can carry very heavy loads,
deep water alongside, and large laydown areas for components waiting to be shipped. Only
a few ports in the region meet all three conditions, and their calendars are booked
years ahead.

## Why it is a public problem

Port upgrades are awkward investments for private owners: the demand is real but lumpy,
tied to the timing of auctions that they do not control. A modest amount of public
co-investment, linked to a long-term pipeline of projects, could unlock capacity that
every developer needs.

- Publish a **ten-year auction timetable** so ports can plan around it.
- Offer **low-cost loans** for quay strengthening, repaid from usage fees.
- Coordinate across neighbouring countries so that ports specialise rather than compete
  for the same work.

The cost of a port upgrade is a rounding error in the budget of a single wind farm. The
cost of a wind farm delayed for lack of a quay is not.
""",
    ),
    SamplePost(
        blog="energy",
        slug="paying-households-to-shift-demand",
        title="Should Households Be Paid to Use Less Power at Peak Times?",
        authors=("ingrid-van-der-linde", "data-team"),
        topics=("energy-transition",),
        days_ago=640,
        hour=14,
        summary=(
            "Trials that paid households to cut evening demand produced real savings. Scaling "
            "them up raises harder questions about who can take part."
        ),
        picture=Picture(
            "rising-bars",
            "A bar chart in teal tones whose bars rise gently from left to right, the last "
            "one highlighted in amber.",
            "Participation in demand-shifting trials grew in each round.",
        ),
        body="""
Several suppliers have run trials in which households were paid to reduce their
electricity use during a few announced peak hours. The results were better than many
expected: participants cut their use in those hours by a meaningful amount, and most
said they would take part again.

## What the trials showed

- People responded to **clear, short events** announced a day ahead far better than to
  complicated time-of-use tariffs.
- Households with an electric car or a heat pump could shift much more than others,
  because they had large loads that could wait an hour.
- Savings to the system came mainly from avoiding the most expensive peaking plants.

## The catch

The households best placed to earn money this way are the ones that already own
flexible equipment, and they tend to be better off. Households with little to shift,
often those with the lowest incomes, can only cut back on heating or cooking.

> Flexibility should be something you sell, not something you go without.

A scaled-up scheme should therefore pay for shifted demand, not for reduced comfort, and
should be paired with support for the equipment that makes shifting painless. Otherwise
a good idea risks becoming one more way in which the transition rewards those who were
already ahead.
""",
    ),
]

CITIES_POSTS = [
    SamplePost(
        blog="cities",
        slug="fifteen-minute-city-minus-the-slogan",
        title="The Fifteen-Minute City, Minus the Slogan",
        authors=("tomas-de-la-cruz",),
        topics=("transport", "housing"),
        days_ago=20,
        hour=9,
        minute=15,
        summary=(
            "Strip away the branding and the fifteen-minute city is an old planning idea: "
            "put everyday needs close to home. It is worth judging on those terms."
        ),
        picture=Picture(
            "blocks",
            "City blocks seen from above as rounded rectangles in slate blues, with a few "
            "blocks highlighted in coral.",
            "Mixed-use blocks put shops, schools and clinics within a short walk of homes.",
        ),
        body="""
Few planning ideas have travelled as fast, or attracted as much suspicion, as the
"fifteen-minute city". Some hear a pleasant promise of walkable neighbourhoods; others
hear a plan to restrict where they may drive. Both reactions are responding to the
slogan rather than the substance.

## The idea underneath

The core proposition is modest: most people should be able to reach a school, a grocery,
a doctor and a park without a long trip. That is how most towns were built before the
car, and how many neighbourhoods still work today. Nothing in it requires preventing
anyone from going further.

## What it takes in practice

- **Zoning that allows mixed uses**, so a ground-floor shop or clinic is not an
  exception that needs a special permit.
- **Enough people nearby** to support those services, which means allowing more homes
  near existing centres.
- **Safe, direct walking routes**, because a shop 800 metres away across a six-lane road
  is not close in any useful sense.

## Measuring honestly

Cities that adopt the label should publish simple measures: the share of residents within
a short walk of each everyday service, and how that changes year by year. That turns a
slogan into something residents can check, and argue about on the evidence.
""",
    ),
    SamplePost(
        blog="cities",
        slug="why-bus-lanes-win-slowly",
        title="Why Bus Lanes Win Arguments Slowly",
        authors=("tomas-de-la-cruz",),
        topics=("transport",),
        days_ago=140,
        hour=12,
        summary=(
            "New bus lanes are unpopular in their first months and popular a few years later. "
            "Cities need a plan for the gap between the two."
        ),
        picture=Picture(
            "line",
            "A filled line chart in slate blue tracing a gently undulating path across the "
            "frame and ending on a coral dot.",
            "Ridership on new bus corridors tends to build over years, not weeks.",
        ),
        body="""
Ask residents about a new bus lane in its first month and you will hear about lost
parking, confused drivers and buses that still arrive late. Ask again three years later
and the same corridor often polls well. The lane did not change; the city around it did.

## Why the early months look bad

Bus lanes ask people to give something up on day one, while their benefits arrive
gradually. Travel habits change slowly. Timetables need to be rewritten to take advantage
of faster running times, and enforcement usually takes a while to become consistent.

## Getting through the gap

Cities that keep their bus lanes past the first difficult year tend to do three things:

1. They **publish journey times** before and after, route by route, so the benefit is
   visible rather than asserted.
2. They **enforce from the start**, because a lane full of parked vans delivers the cost
   without the benefit.
3. They **increase frequency** on the corridor at the same time, so passengers notice
   shorter waits as well as faster rides.

> A bus lane without more buses is a promise without a delivery date.

None of this guarantees support. It does give a good scheme a fair chance of surviving
long enough to be judged on its results.
""",
    ),
    SamplePost(
        blog="cities",
        slug="what-shade-is-worth",
        title="Cooling the Street: What Shade Is Worth in a Hotter Summer",
        authors=("tomas-de-la-cruz", "oluwaseun-adeyemi"),
        topics=("climate-adaptation", "public-health"),
        days_ago=250,
        hour=8,
        summary=(
            "Trees, awnings and lighter surfaces can make a street feel several degrees "
            "cooler. We set out how to decide where shade pays off first."
        ),
        picture=Picture(
            "circles",
            "Overlapping translucent circles in slate blue and coral, like tree canopies "
            "seen from above.",
            "Canopy cover varies widely between neighbourhoods in the same city.",
        ),
        body="""
On a hot afternoon the difference between a shaded pavement and an exposed one is
something anyone can feel. Surface temperatures can differ by well over ten degrees, and
the air people actually breathe by a few degrees more than weather stations suggest.
For older people and for those working outdoors, that gap matters for health.

## Where to start

Shade costs money and takes years to grow, so cities have to choose. We suggest ranking
streets on three things at once:

- **Exposure**: how much hard, sunlit surface there is and how little canopy.
- **Vulnerability**: how many older residents, young children and outdoor workers use it.
- **Footfall**: routes to schools, clinics, stations and markets.

A street that scores high on all three is a better first investment than a prominent
boulevard that already has some trees.

## Trees are not the only tool

Trees are the best long-term answer, but they need soil volume, water and a decade to
mature. In the meantime, awnings, shade sails over bus stops and pale paving can help.
Drinking fountains and open, cool public buildings on the hottest days belong in the same
plan.

## Count what you plant

Finally, measure. Canopy cover can be mapped from aerial imagery each year at low cost,
and published by neighbourhood. That makes it harder for shade to go, as it often does,
to the places that already have most of it.
""",
    ),
    SamplePost(
        blog="cities",
        slug="zoning-reform-sequencing",
        title="Zoning Reform Is Not a Single Vote: Sequencing Matters",
        authors=("tomas-de-la-cruz", "priya-raghunathan"),
        topics=("housing", "public-finance"),
        days_ago=400,
        hour=10,
        minute=45,
        summary=(
            "Allowing more homes is the start of a housing reform, not the end. The order in "
            "which rules, infrastructure and funding change decides whether homes get built."
        ),
        picture=Picture(
            "blocks",
            "An aerial pattern of rounded city blocks in slate tones, with scattered coral "
            "blocks suggesting new development.",
            "Upzoning changes what may be built; sequencing decides what actually is.",
        ),
        body="""
When a city council votes to allow more homes on land that was reserved for detached
houses, the headlines tend to treat it as the end of a fight. In practice, the vote is
closer to the beginning. Whether homes follow depends on a series of smaller decisions,
and the order in which they are made.

## The usual sequence, and why it stalls

Typically the new rules pass first, and then everything else is discovered along the
way: water and sewer capacity that was sized for the old density, parking minimums left
untouched in a separate code, and permitting offices without the staff to handle more
applications. Each of these can quietly cancel the effect of the vote.

## A better order

1. **Audit the other rules** that limit what can be built (parking, height, setbacks,
   lot coverage) before the vote, and change them in the same package.
2. **Fund infrastructure upgrades** from the value that the new rules create, for example
   through predictable per-home charges rather than negotiated one-off deals.
3. **Staff up the permitting office** in advance, with clear deadlines for decisions.

## Judge the reform by completions

The right measure of success is not the number of lots rezoned but the number of homes
completed in the following five years, and what they rent or sell for. Cities should
commit to publishing both.
""",
    ),
    SamplePost(
        blog="cities",
        slug="empty-offices-housing-opportunity",
        title="Are Empty Offices a Housing Opportunity?",
        authors=("tomas-de-la-cruz",),
        topics=("housing",),
        days_ago=540,
        hour=9,
        summary=(
            "Converting vacant offices into flats sounds like an easy win. Some buildings "
            "convert well; many do not, and policy should know the difference."
        ),
        picture=Picture(
            "skyline",
            "A layered skyline of office towers in slate blue and navy under a coral sun, "
            "with scattered lit windows in the nearest buildings.",
            "Office vacancy has stayed high in many city centres since hybrid work took hold.",
        ),
        body="""
With office vacancy stubbornly high in many city centres, converting empty floors into
homes looks like an obvious answer to two problems at once. Some conversions have been
real successes. But the building stock is more varied than the idea suggests.

## What makes a building convertible

- **Depth.** Homes need windows. Deep floor plates leave a dark core that cannot become
  bedrooms without cutting light wells.
- **Plumbing.** Offices have a few bathrooms stacked in one place; flats need kitchens
  and bathrooms spread across the floor.
- **Structure and rules.** Fire escape routes, ceiling heights and noise standards for
  homes are stricter, for good reasons.

Older, narrower buildings often convert well. Large modern towers often do not.

## Where policy can help

Rather than broad subsidies, cities can make the good candidates easier: a fast-track
permit for buildings that meet clear standards, flexibility on rules written for new
construction, and a public inventory of vacant floors so that developers can find them.

> The best conversion policy is one that also says which buildings should not be converted.

Conversions will add homes at the margin. They are not a substitute for allowing new
housing where people want to live, but they can bring life back to streets that have
gone quiet after six o'clock.
""",
    ),
    SamplePost(
        blog="cities",
        slug="counting-cyclists-properly",
        title="Counting Cyclists Properly: A Note on Method",
        authors=("data-team", "tomas-de-la-cruz"),
        topics=("transport",),
        days_ago=700,
        hour=15,
        summary=(
            "Claims about cycling growth often rest on a handful of counters. A short guide "
            "to reading those numbers, and to collecting better ones."
        ),
        picture=Picture(
            "scatter",
            "A scatter plot of slate-blue dots rising from left to right with a coral trend "
            "line drawn through them.",
            "Counts from individual sites scatter widely around the citywide trend.",
        ),
        body="""
Debates about new cycle lanes often turn into duels of numbers: one side cites a counter
showing record trips, the other points to a photo of an empty lane. Both are weak
evidence. This note sets out how we read cycling data, and how cities could collect it
better.

## Common pitfalls

1. **Single counters.** A counter on a new lane measures trips that moved there from
   parallel streets as well as new trips. Citywide growth needs a network of sites.
2. **Seasonality and weather.** Comparing a wet March with a dry May says more about the
   weather than about the lane. Compare like months, and adjust for rain.
3. **Short windows.** Habits take months to change. A count in the first fortnight is an
   anecdote with a decimal point.

## A better design

- Keep a **fixed panel of counting sites** across the city, including streets without
  new infrastructure, and publish the raw data.
- Pair counters with an **annual travel survey**, which captures who is cycling and not
  just how many trips pass a point.
- Report **ranges**, not single numbers, and say how they were calculated.

## Why it matters beyond cycling

The same problems affect counts of pedestrians, bus passengers and even cars. A city that
builds a sound counting programme for one mode can extend it to the others at little
extra cost, and judge every change to its streets on comparable evidence.

Good counting will not settle the political argument over street space. It can at least
make sure that argument is about the same facts.
""",
    ),
]

HEALTH_POSTS = [
    SamplePost(
        blog="health",
        slug="waiting-lists-are-a-flow-problem",
        title="Waiting Lists Are a Flow Problem, Not a Stock Problem",
        authors=("oluwaseun-adeyemi", "data-team"),
        topics=("public-health", "public-finance"),
        days_ago=35,
        hour=7,
        summary=(
            "One-off funding to clear a backlog helps for a season. Unless capacity rises to "
            "meet the rate at which people join the list, the backlog returns."
        ),
        picture=Picture(
            "line",
            "A filled line chart in green that wanders up and down across the frame and ends "
            "on a coral dot at the right edge.",
            "The number waiting is the running balance of referrals in and treatments out.",
        ),
        body="""
Waiting lists are usually reported as a single number: how many people are waiting. That
number is a **stock**. It is the running balance of two **flows**: people referred onto
the list each week, and people treated and taken off it. Policy aimed at the stock alone
tends to disappoint.

## Why blitzes fade

Extra weekend clinics and outsourced operations can bring the list down quickly. But if
weekly referrals still exceed weekly treatments, the list starts growing again the moment
the extra money stops. We see this pattern repeatedly in the published data.

## What to fund instead

- **Permanent capacity** where demand consistently exceeds supply: staffed beds, theatre
  time and diagnostic scanners, rather than one-off sessions.
- **Better referral routes**, so that patients who could be managed in primary care or
  by a specialist nurse do not join a consultant's list at all.
- **Fewer cancellations.** Operations cancelled on the day for lack of a bed waste the
  scarcest resource in the system.

## A better headline number

We would like to see every monthly release lead with the **gap between referrals and
treatments**, by specialty. A list of any size is manageable if that gap is closing; a
short list is not reassuring if the gap keeps widening.
""",
    ),
    SamplePost(
        blog="health",
        slug="community-pharmacies-and-the-gp",
        title="What Community Pharmacies Could Take Off the GP's Desk",
        authors=("oluwaseun-adeyemi",),
        topics=("public-health",),
        days_ago=170,
        hour=13,
        summary=(
            "Pharmacists are highly trained and widely available. Letting them treat more "
            "minor conditions could free thousands of GP appointments each week."
        ),
        picture=Picture(
            "circles",
            "Soft overlapping circles in greens and coral on a pale background.",
            "Most people live within a short walk of a community pharmacy.",
        ),
        body="""
Ask family doctors which appointments they would most happily hand to someone else, and
the same list comes back: uncomplicated urinary infections, sore throats, minor skin
conditions, repeat contraception. Community pharmacists are trained to manage many of
these, and they are often easier to reach than a GP.

## What it would take

- **Prescribing rights** for a defined list of conditions, with clear protocols on when
  to refer on.
- **Access to the patient record**, so that a pharmacist can see allergies and current
  medicines and can write back what they did.
- **A fee that covers the consultation**, not just the medicine dispensed.

## The risks are manageable

The obvious worry is missed diagnoses. Good protocols help: they set out the warning
signs that require a doctor, and pharmacists already refer patients on every day. Audit
of early schemes should look specifically at these cases and publish what it finds.

> The question is not whether pharmacists are as good as GPs. It is whether the patient
> is better served by a same-day pharmacist or a GP appointment in two weeks.

Moving even a small share of minor cases would matter. General practice is where the
whole health system's demand first arrives, and every freed appointment is time for a
patient who really needs a doctor.
""",
    ),
    SamplePost(
        blog="health",
        slug="heatwaves-and-hospital-admissions",
        title="Heatwaves and Hospital Admissions: Planning for the Predictable",
        authors=("oluwaseun-adeyemi", "tomas-de-la-cruz", "data-team"),
        topics=("public-health", "climate-adaptation"),
        days_ago=300,
        hour=8,
        minute=30,
        summary=(
            "Hot spells reliably bring more admissions among older patients. Hospitals plan "
            "for winter pressure every year; summer deserves the same treatment."
        ),
        picture=Picture(
            "hills",
            "Layered rolling hills in three shades of green under a pale, warm sky.",
            "Heat risk is highest for older people living alone, in cities and in top-floor flats.",
        ),
        body="""
Every health system has a winter plan. Far fewer have a summer one, even though the
effect of heat on hospitals is well documented: admissions for dehydration, kidney
problems, heart failure and falls rise during hot spells, particularly among people over
seventy-five.

## What a summer plan would include

1. **Heat alerts linked to action**, so that a forecast triggers calls to vulnerable
   patients by community teams, not just a press release.
2. **Cool wards.** Many hospital buildings overheat badly; identifying at least some
   cooler spaces for the frailest patients is a practical first step.
3. **Medication reviews.** Some common medicines raise heat risk, and a review before
   summer is cheap.

## Outside the hospital

Most heat deaths happen at home, often among people living alone. That makes the link
to city planning direct: shaded streets, cool public buildings with longer opening hours,
and checks on residents of top-floor flats all belong in the same plan.

Heat, unlike many pressures on health services, can be forecast days in advance. That
is an advantage the system should not waste.
""",
    ),
    SamplePost(
        blog="health",
        slug="is-prevention-really-cheaper",
        title="Is Prevention Really Cheaper? A Fair Accounting",
        authors=("priya-raghunathan", "oluwaseun-adeyemi"),
        topics=("public-health", "public-finance"),
        days_ago=445,
        hour=10,
        summary=(
            "Prevention is often sold as a way to save money. Sometimes it does; often it "
            "buys better health at a reasonable price. Both are good reasons to fund it."
        ),
        picture=Picture(
            "scatter",
            "A scatter of green dots rising from left to right, with a coral trend line.",
            "Costs and health gains of preventive programmes vary widely.",
        ),
        correction=Correction(
            "We originally described the vaccination example as saving money within one "
            "year. The evaluation we cite finds savings over five years.",
            days_later=6,
        ),
        body="""
"Prevention is better than cure" is one of the few claims in health policy that almost
nobody disputes. The economic version, that prevention is *cheaper* than cure, is more
contested, and making it carelessly can hurt the case for prevention.

## When prevention saves money

Some interventions clearly pay for themselves. Certain vaccinations, for example, prevent
enough hospital treatment to cover their cost within a few years. Programmes that help
people stop smoking also perform well on most measures.

## When it costs money, and is still worth it

Many valuable programmes do not save money. Screening finds disease earlier but also
finds cases that would never have caused harm, and people who live longer use health
services for longer. That is not a failure: we do not ask hospitals to save money before
we agree to fund them.

## A fairer test

We suggest judging preventive programmes by the same standard as treatment:

- the **health gained** for the money spent, compared with other uses of that money;
- the **time horizon** over which costs and benefits arrive, stated openly;
- **who benefits**, since prevention often helps groups with worse health the most.

Overselling prevention as a saving invites disappointment when the savings do not show
up in next year's budget. Selling it as good value is both more honest and more durable.
""",
    ),
    SamplePost(
        blog="health",
        slug="staffing-the-night-shift",
        title="Staffing the Night Shift: The Workforce Numbers Behind Burnout",
        authors=("oluwaseun-adeyemi",),
        topics=("public-health", "labour-markets"),
        days_ago=590,
        hour=16,
        summary=(
            "Vacancy rates tell part of the story. How shifts are covered, and by whom, "
            "explains why experienced staff are leaving."
        ),
        body="""
Headlines about the health workforce tend to focus on vacancies: how many posts are
empty. Those figures matter, but they hide how the gaps are filled. Night and weekend
shifts are covered by a shrinking pool of permanent staff, topped up with agency workers
and overtime.

## What staff describe

In interviews with nurses and junior doctors, the same themes recurred:

- **Unpredictable rotas**, published at short notice, that make childcare and rest
  difficult to plan.
- **Missed breaks** on understaffed nights, which most said had become routine.
- **Supervising temporary colleagues** who do not know the ward, on top of their own work.

## Retention is cheaper than recruitment

Replacing an experienced nurse costs far more than keeping one, once recruitment,
induction and the months it takes to reach full productivity are counted. Measures that
help are mostly unglamorous: rotas fixed well in advance, protected breaks, flexible
contracts for those nearing retirement, and decent places to rest at night.

> You cannot recruit your way out of a workforce problem that you are also creating.

Workforce plans should report retention by length of service alongside vacancy rates.
The loss of staff with ten years' experience is a different problem from unfilled
junior posts, and needs a different answer.
""",
    ),
    SamplePost(
        blog="health",
        slug="digital-front-doors-for-clinics",
        title="Digital Front Doors for Clinics: Who Gets Left Outside?",
        authors=("hannah-lindqvist", "oluwaseun-adeyemi"),
        topics=("public-health", "digital-government"),
        days_ago=680,
        hour=11,
        summary=(
            "Online booking and triage can make clinics easier to reach for many patients. "
            "Designed carelessly, they make them harder to reach for those who need them most."
        ),
        picture=Picture(
            "network",
            "Connected dots above layered green hills, like a map of linked clinics.",
            "Online access is uneven across age groups and neighbourhoods.",
        ),
        body="""
Many clinics now ask patients to start with an online form: describe the problem, answer
a few questions, and wait to be offered an appointment or advice. For people comfortable
online, this can be faster than phoning at eight in the morning. For others, it can feel
like a locked door.

## Who struggles

- People with **limited English** or low literacy, for whom free-text forms are hard.
- **Older patients** and people with disabilities that make small screens difficult.
- Anyone without **reliable data or a private device**, which includes many people in
  insecure housing.

## Design principles

1. **Keep the phone and the front desk** as equal routes in, not a fallback that is
   quietly understaffed.
2. **Test forms with the patients** who find them hardest, before launch.
3. **Let staff complete the form** on a patient's behalf, and count those contacts.
4. **Publish access data** by route and by age group, so gaps are visible.

## Measure the whole front door

Clinics often judge an online system by how many requests arrive through it. A better test
is whether the total wait for a first contact has fallen for every group of patients,
including those who still phone or walk in.

Digital triage is a tool, not a policy. Its value depends on whether it frees staff time
for the patients who cannot or will not use it.
""",
    ),
]

LEDGER_POSTS = [
    SamplePost(
        blog="ledger",
        slug="inflation-has-cooled-household-budgets",
        title="Inflation Has Cooled. Have Household Budgets?",
        authors=("priya-raghunathan",),
        topics=("public-finance", "labour-markets"),
        days_ago=5,
        hour=9,
        minute=30,
        summary=(
            "Lower inflation means prices are rising more slowly, not that they have fallen. "
            "For many households the squeeze is easing only gradually."
        ),
        picture=Picture(
            "line",
            "A filled line chart in navy blue moving up and down across the frame, ending on "
            "a gold dot.",
            "Annual inflation has come down; the price level it left behind has not.",
        ),
        body="""
The latest figures show annual inflation close to its target for a third month in a row.
That is genuinely good news. It is also widely misunderstood, because falling inflation
means prices are rising **more slowly**. It does not mean they have come back down.

## The level, not the rate

Over the past few years, prices of food, rent and energy rose much faster than usual. For
a household, what matters is whether income has caught up with that higher price level.
On average, wages have now recovered most of the lost ground. The average hides a wide
spread.

## Who is still behind

- **Renters**, whose rents are reset at new leases and have kept rising faster than
  general inflation in many cities.
- **Lower-income households**, who spend a larger share of their budget on food and
  energy, the items that rose most.
- **People on fixed incomes** that are uprated once a year, with a lag.

## What to watch next

Two measures will tell us more than the headline rate: real earnings for the lowest-paid
fifth of workers, and the share of income spent on housing by renters. Both are published
quarterly, and both deserve more attention than they get.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="four-day-week-pilots",
        title="Four-Day Weeks: What the Pilots Can and Cannot Tell Us",
        authors=("priya-raghunathan", "hannah-lindqvist"),
        topics=("labour-markets",),
        days_ago=120,
        hour=10,
        summary=(
            "Four-day week trials report happier staff and steady output. The firms that "
            "volunteered are not a random sample, and that shapes what we can conclude."
        ),
        picture=Picture(
            "rising-bars",
            "A navy bar chart whose bars rise from left to right, with a gold bar at the end.",
            "Most participating firms kept the shorter week after the trial ended.",
        ),
        body="""
Results from several four-day week pilots have now been published, and they are
strikingly positive: lower burnout, fewer sick days, and output that held up or improved.
Most participating firms chose to continue. Before drawing national conclusions, it is
worth being clear about what kind of evidence this is.

## Who took part

Firms **volunteered**. They were mostly small, office-based, and already confident they
could reorganise work. That is a sensible place to start a trial, and a poor basis for
predicting what would happen in a hospital, a warehouse or a school.

## What the pilots do show

- For many knowledge-work firms, a lot of time in a five-day week is **not productive**,
  and can be cut without losing output.
- Gains came largely from **fewer and shorter meetings** and clearer priorities, which
  any firm could adopt regardless of the length of the week.
- Staff valued the extra day highly, which matters for **recruitment and retention**.

## What they cannot show

They cannot tell us how sectors where output is tied to hours, such as care, transport
or retail, would cope without more staff. For those, a shorter week is a cost to be
weighed, not a free gain.

The honest conclusion is a narrow one, and still an interesting one: in some kinds of
work, hours are a poor measure of output.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="algorithms-in-the-benefits-office",
        title="Algorithms in the Benefits Office: Three Safeguards Worth Legislating",
        authors=("hannah-lindqvist",),
        topics=("digital-government",),
        days_ago=230,
        hour=14,
        summary=(
            "Automated risk scores are spreading through welfare administration. Three "
            "safeguards would protect claimants without banning useful tools."
        ),
        picture=Picture(
            "network",
            "A web of navy nodes and gold hubs linked by thin lines above layered blue hills.",
            "Automated systems increasingly decide which claims a person reviews first.",
        ),
        body="""
Benefit agencies handle millions of claims with limited staff, so it is no surprise that
many now use software to decide which claims to check more closely. Used well, this can
speed up payments to most people. Used badly, it can concentrate suspicion on particular
groups and leave them without an explanation or a remedy.

## Three safeguards

1. **Notice.** A claimant should be told when an automated score contributed to a
   decision about their claim, in plain language.
2. **A human decision.** No payment should be stopped or reduced on the basis of a score
   alone; a trained caseworker must review the evidence and sign off.
3. **Published testing.** Before deployment and every year after, the agency should
   publish how the system's error rates differ across age, disability and nationality.

## Why legislate

Voluntary guidelines exist in many places, but they are easy to set aside under pressure
to cut fraud. Putting these three requirements in law gives claimants something they
can enforce, and gives agencies a clear standard to procure against.

> The question to ask of any risk score is not "is it accurate?" but "accurate for whom,
> and what happens to the people it gets wrong?"

None of this requires banning automation. It requires treating it as a decision about
people, which is what it is.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="should-cities-own-their-fibre",
        title="Should Cities Own Their Fibre?",
        authors=("hannah-lindqvist", "tomas-de-la-cruz"),
        topics=("digital-government", "public-finance"),
        days_ago=360,
        hour=9,
        summary=(
            "Some cities have laid their own fibre networks and leased them to providers. "
            "The model works in some places, and the conditions are worth spelling out."
        ),
        body="""
Fast, reliable broadband has become as basic to a working city as water and roads. In
most places it is provided by a small number of private firms, and coverage follows
profitability. A growing number of cities have taken a different route: they own the
cables and lease them to any provider on equal terms.

## When it works

The open-access model tends to succeed where:

- The city can **lay fibre cheaply**, for example by adding ducts whenever streets are
  dug up for other works.
- There is a **clear gap** in coverage or competition that private firms are not filling.
- The network is run at **arm's length**, with published prices and no favoured provider.

## When it does not

Municipal networks have also failed, usually when they were built quickly in areas
already well served, or when the city tried to run retail services itself without the
skills to do so. Debt taken on to build the network then becomes a burden on the budget.

## A practical middle path

Even cities that do not want to run a network can adopt a **dig-once policy**: whenever a
street is opened, lay empty ducts and lease them out. It costs little, avoids repeated
roadworks, and lowers the cost of entry for any provider that comes later.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="public-budgets-and-the-maintenance-gap",
        title="Public Budgets and the Maintenance Gap",
        authors=("priya-raghunathan", "data-team"),
        topics=("public-finance",),
        days_ago=500,
        hour=11,
        minute=15,
        summary=(
            "Deferred maintenance never appears as a line in the budget, which is why it "
            "is so easy to cut. The bill arrives later, and larger."
        ),
        picture=Picture(
            "falling-bars",
            "A navy bar chart with bars declining steadily from left to right, the last in gold.",
            "Maintenance spending as a share of asset value has drifted down for a decade.",
        ),
        body="""
When budgets are tight, maintenance is often the first thing to go. Unlike closing a
library or cutting a bus route, postponing roof repairs or pipe replacements produces no
immediate headline. The cost shows up years later, as failures that are far more
expensive to fix.

## Why the gap is invisible

Most public accounts record spending, not the condition of what the spending maintains.
A council can defer repairs for a decade and show a balanced budget every year, while the
value of its schools, roads and water mains quietly declines.

## What better accounting would show

- An **asset register** with a condition rating for each major asset, updated regularly.
- The **maintenance backlog** in money terms, published alongside the budget.
- A **target spending level** to keep assets in steady condition, so that any shortfall
  is an explicit choice.

## Making it harder to cut

Some governments have set a floor on maintenance spending as a share of asset value, or
ring-fenced it in multi-year budgets. Neither is perfect, but both force the trade-off
into the open. A budget that spends less on upkeep than the assets need is borrowing, even
if it never calls it that.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="ai-productivity-claims-readers-guide",
        title="AI Productivity Claims: A Reader's Guide to the Evidence",
        authors=("hannah-lindqvist", "priya-raghunathan"),
        topics=("digital-government", "labour-markets"),
        days_ago=610,
        hour=13,
        summary=(
            "Studies of AI tools at work report gains ranging from trivial to dramatic. A few "
            "questions help sort out which results are likely to hold up."
        ),
        picture=Picture(
            "scatter",
            "A scatter of navy dots trending upwards from left to right, crossed by a gold "
            "trend line.",
            "Reported productivity effects of AI tools are widely dispersed.",
        ),
        body="""
Barely a week passes without a new estimate of how much artificial intelligence will
raise productivity, from a few per cent to figures that would transform the economy. The
estimates differ because they measure different things. Four questions help separate
them.

## Four questions to ask

1. **What task was measured?** Writing a first draft of a standard email is not the same
   as running a customer service team or writing reliable software.
2. **Who used the tool?** Several studies find the largest gains among less experienced
   workers, and small or negative effects for experts.
3. **How was quality checked?** Speed is easy to measure. Errors that surface later are
   not, and they can cancel out the time saved.
4. **Over what period?** A controlled experiment lasting an afternoon tells us little
   about how an organisation changes over several years.

## What the better studies suggest

The more careful field studies find real but uneven gains, concentrated in specific
tasks. Economy-wide effects depend on whether firms reorganise work around the new tools,
which historically has taken years for every general-purpose technology.

> Treat any single productivity number for "AI" with the suspicion you would give a single
> number for "computers".

None of this means the effects will be small. It means the honest answer today is a
range, and anyone offering a precise figure should be asked how they got it.
""",
    ),
]

UNPUBLISHED_POSTS = [
    SamplePost(
        blog="energy",
        slug="grid-connection-queues-first-look",
        title="Grid Connection Queues: A First Look",
        authors=("ingrid-van-der-linde",),
        topics=("energy-transition",),
        days_ago=None,
        status="draft",
        summary="A draft analysis of who is waiting to connect to the grid, and for how long.",
        body="""
## Working notes

- Pull the latest queue data from each network operator.
- Separate projects with planning permission from speculative applications.
- Compare waiting times by technology and region.

The headline so far: the queue is long, but a large share of it is unlikely ever to be
built. Reforming the queue may matter as much as building new capacity.
""",
    ),
    SamplePost(
        blog="cities",
        slug="housing-associations-retrofit-bill",
        title="Housing Associations and the Retrofit Bill",
        authors=("tomas-de-la-cruz", "priya-raghunathan"),
        topics=("housing", "energy-transition"),
        days_ago=None,
        status="draft",
        summary="Social landlords own many of the homes that most need insulating. Who pays?",
        body="""
Social landlords face a large bill to bring their homes up to modern energy standards,
and limited room to raise rents to pay for it.

## Still to do

1. Estimate the cost per home by property type.
2. Set out the funding options: grants, borrowing, and savings on tenants' bills.
""",
    ),
    SamplePost(
        blog="ledger",
        slug="budget-week-what-to-watch",
        title="Budget Week: What to Watch",
        authors=("priya-raghunathan", "data-team"),
        topics=("public-finance",),
        days_ago=-6,
        hour=7,
        status="scheduled",
        summary="Five numbers that will tell us more about the budget than the speech will.",
        picture=Picture(
            "rising-bars",
            "A navy bar chart with bars rising from left to right and a gold final bar.",
            "Borrowing forecasts will frame the budget's room for manoeuvre.",
        ),
        body="""
The budget speech will be full of announcements. The documents published alongside it
will tell us more. Here are the numbers we will be reading first.

## Our list

1. **The borrowing forecast** for the next five years, and how much it has moved.
2. **Departmental spending plans** after inflation, not in cash terms.
3. **Capital spending on maintenance**, the item most often squeezed.
4. **Tax thresholds** that are frozen, which raise revenue without a headline.
5. **The margin against the fiscal rules**, which sets how much room is left.

We will publish our analysis on the morning after the speech.
""",
    ),
]

POSTS = [*ENERGY_POSTS, *CITIES_POSTS, *HEALTH_POSTS, *LEDGER_POSTS, *UNPUBLISHED_POSTS]
